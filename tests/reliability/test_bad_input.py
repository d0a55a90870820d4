"""Bad input never crashes: hypothesis over every validator and every provider's response parsing.

Validators get arbitrary values for every field of every provider. Response parsers get the
emulator's real answers with parts deleted or replaced by other JSON; the client must either
read them or raise a domain error, and an unreadable answer is a ProtocolError that names the
provider and the field.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from console.domain import errors as e
from console.domain.capabilities import FieldSpec
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldValue
from console.domain.customer import Customer
from console.domain.validation import check_value, check_values
from console.providers.base import CustomerProvider, ProviderConfig
from console.providers.http import RetryPolicy
from console.providers.registry import provider, providers
from console.sandbox.base import Emulator
from console.sandbox.registry import emulator_class, emulator_keys
from tests.support.boundaries import length_bounds

ALL_SPECS: list[tuple[str, FieldSpec]] = [(info.key, spec) for info in providers()
                                          for spec in info.capabilities.fields]
KEYS = [info.key for info in providers() if info.key in set(emulator_keys())]

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=6)
any_value = st.one_of(json_value, st.text(), st.dates(), st.binary(max_size=10))


def _at_every_bound(test: Any) -> Any:
    """@example at each length rule's bounds: the values a validator is most likely to get wrong."""
    for bound in length_bounds():
        test = example((bound.provider, bound.spec), bound.value())(test)
    return test


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALL_SPECS), any_value)
@_at_every_bound
def test_every_validator_answers_any_value(field: tuple[str, FieldSpec], value: Any) -> None:
    _, spec = field
    problem = check_value(spec, value)
    assert problem is None or problem.message.strip()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(KEYS), st.data())
def test_whole_forms_of_any_values_are_checked_without_crashing(key: str, data: st.DataObject) -> None:
    caps = provider(key).capabilities
    values = {spec.key: data.draw(any_value) for spec in caps.fields
              if data.draw(st.booleans(), label=f"include {spec.key}")}
    problems = check_values(caps, values, creating=data.draw(st.booleans()))
    assert all(p.message.strip() for p in problems.values())


# -- response parsers ----------------------------------------------------------------------------

def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            found += _paths(v, (*prefix, i))
    return found


def _mutate(body: Any, data: st.DataObject) -> Any:
    """The body with one to three nodes deleted or replaced by other JSON."""
    paths = _paths(body)
    if not paths:
        return data.draw(json_value, label="whole body")
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(paths), label="path")
        parent = body
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            if isinstance(parent, dict) and data.draw(st.booleans(), label="delete"):
                parent.pop(last, None)
            else:
                parent[last] = data.draw(json_value, label="replacement")
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path's parent
    return body


class _Mutating:
    """Answers with the emulator's real response, altered as hypothesis draws."""

    def __init__(self, emulator: Emulator, data: st.DataObject) -> None:
        self.emulator = emulator
        self.data = data
        self.mutated = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        real = self.emulator.handle(request)
        content_type = real.headers.get("content-type", "")
        if "json" not in content_type:
            return real
        body = json.loads(real.content.decode("utf-8-sig"))
        self.mutated += 1
        return httpx.Response(real.status_code, headers={"content-type": content_type},
                              content=json.dumps(_mutate(body, self.data)).encode())


_EMULATORS: dict[str, Emulator] = {}


def _emulator(key: str) -> Emulator:
    if key not in _EMULATORS:
        _EMULATORS[key] = emulator_class(key)(seed=7, customers=12)
    return _EMULATORS[key]


def _client(key: str, transport: httpx.MockTransport) -> tuple[CustomerProvider, httpx.AsyncClient]:
    info = provider(key)
    emulator = _emulator(key)
    connection = emulator.connection_info(emulator.base_url)
    base_url = connection.pop("base_url")
    connection.pop("provider", None)
    options = {o.key: connection[o.key] for o in info.options if o.key in connection}
    http = httpx.AsyncClient(transport=transport)
    client = info.client(ProviderConfig(base_url=base_url, credentials=connection, environment="sandbox",
                                        options=options), http)
    client.http.policy = RetryPolicy(attempts=1)  # type: ignore[attr-defined]
    return client, http


async def _exercise(key: str, data: st.DataObject) -> list[e.ConsoleError]:
    emulator = _emulator(key)
    some_id = await _first_id(key)
    transport = _Mutating(emulator, data)
    client, http = _client(key, httpx.MockTransport(transport))
    errors: list[e.ConsoleError] = []
    try:
        for call in (lambda: client.get(some_id), lambda: anext(aiter(client.iter_pages()))):
            try:
                result = await call()
            except e.ConsoleError as error:
                errors.append(error)
            else:
                customers = [result] if isinstance(result, Customer) else result.customers
                assert all(isinstance(c, Customer) for c in customers)
        if client.capabilities.custom_fields:
            for read in (client.custom_field_definitions, lambda: client.custom_field_values(some_id)):
                try:
                    fields = await read()
                except e.ConsoleError as error:
                    errors.append(error)
                else:
                    assert all(isinstance(f, CustomFieldDefinition | CustomFieldValue) for f in fields)
    finally:
        await http.aclose()
    return errors


_IDS: dict[str, str] = {}


async def _first_id(key: str) -> str:
    if key not in _IDS:
        client, http = _client(key, httpx.MockTransport(_emulator(key).handle))
        try:
            page = await anext(aiter(client.iter_pages()))
        finally:
            await http.aclose()
        _IDS[key] = page.customers[0].id
    return _IDS[key]


@pytest.mark.parametrize("key", KEYS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_altered_responses_are_read_or_refused_with_a_domain_error(key: str, data: st.DataObject) -> None:
    errors = asyncio.run(_exercise(key, data))
    display = provider(key).display_name
    for error in errors:
        assert error.message.strip()
        if isinstance(error, e.ProtocolError):
            assert error.provider == display or display in error.message, error
            assert error.field, f"{display}: a protocol error without the field it could not read: {error}"
