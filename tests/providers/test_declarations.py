"""What providers declare is what they do: undeclared collection operations and searches are refused
before anything is sent, and every declared capability is read by something."""

from __future__ import annotations

import dataclasses
import inspect
import tokenize
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from console.domain import errors as e
from console.domain.capabilities import Capabilities, CollectionKind, CollectionSpec, SearchKey
from console.domain.customer import Customer
from console.domain.query import CustomerQuery, TextMatch
from console.providers.base import CustomerProvider, ProviderConfig
from console.providers.registry import ProviderInfo, provider, providers
from console.providers.square import SquareProvider

BASE = "https://provider.test.invalid"
KEYS = [info.key for info in providers()]
CREDENTIALS = {"square": {"token": "t"}, "authorize-net": {"login_id": "l", "transaction_key": "k"},
               "clover": {"token": "t"}, "payarc": {"token": "t"}, "digital-river": {"secret_key": "sk_test_x"}}
CONSOLE = Path(__file__).resolve().parents[2] / "console"


def _provider(key: str, http: httpx.AsyncClient) -> CustomerProvider:
    options = {"merchant_id": "M1"} if key == "clover" else {}
    return provider(key).client(ProviderConfig(base_url=BASE, credentials=CREDENTIALS[key], options=options), http)


OPERATIONS = {"can_add": "add_item", "can_edit": "update_item", "can_delete": "delete_item",
              "can_set_default": "set_default_item"}


def _undeclared(key: str) -> list[tuple[str, str]]:
    """(operation, kind) pairs the provider does not declare, an unknown kind included for every operation."""
    pairs = [(operation, "nonsense") for operation in OPERATIONS.values()]
    for spec in provider(key).capabilities.collections:
        pairs += [(operation, spec.kind) for flag, operation in OPERATIONS.items() if not getattr(spec, flag)]
    return pairs


@pytest.mark.parametrize("key", KEYS)
async def test_undeclared_collection_operations_are_refused_before_sending(key: str) -> None:
    someone = Customer(id="1", given_name="Ada")
    with respx.mock():  # no routes: any request fails the test
        async with httpx.AsyncClient() as http:
            client = _provider(key, http)
            for operation, kind in _undeclared(key):
                method = getattr(client, operation)
                args = (someone, kind, {}) if operation == "add_item" else (
                    (someone, kind, "9", {}) if operation == "update_item" else (someone, kind, "9"))
                with pytest.raises(e.NotSupportedError, match=client.name):
                    await method(*args)


@pytest.mark.parametrize("key", KEYS)
def test_every_declared_collection_operation_is_implemented(key: str) -> None:
    # The base class refuses what is not declared; what is declared must reach the provider's own code.
    client = provider(key).client
    for spec in client.capabilities.collections:
        for flag, operation in OPERATIONS.items():
            if getattr(spec, flag):
                implemented = getattr(client, f"_{operation}")
                assert implemented is not getattr(CustomerProvider, f"_{operation}"), \
                    f"{client.__name__} declares {flag} on {spec.kind} but does not implement _{operation}"


ARGUMENTS = {"add_item": ({},), "update_item": ("9", {}), "delete_item": ("9",), "set_default_item": ("9",)}


async def test_a_kind_given_as_text_reaches_the_provider_as_a_collection_kind() -> None:
    # Settings and drafts keep kinds as text; the provider's own code only ever sees the enum.
    seen: list[object] = []

    class Recording(SquareProvider):
        capabilities = SquareProvider.capabilities.model_copy(update={"collections": (CollectionSpec(
            kind=CollectionKind.EMAILS, label="Emails", columns=(), can_add=True, can_edit=True, can_delete=True,
            can_set_default=True),)})

        async def _add_item(self, customer: Customer, kind: CollectionKind, values: Any) -> Customer:
            seen.append(kind)
            return customer

        async def _update_item(self, customer: Customer, kind: CollectionKind, item_id: str, values: Any) -> Customer:
            seen.append(kind)
            return customer

        async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
            seen.append(kind)
            return customer

        async def _set_default_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
            seen.append(kind)
            return customer

    async with httpx.AsyncClient() as http:
        client = Recording(ProviderConfig(base_url=BASE, credentials={"token": "t"}), http)
        for operation, arguments in ARGUMENTS.items():
            await getattr(client, operation)(Customer(id="1"), "emails", *arguments)
    assert seen == [CollectionKind.EMAILS] * 4
    assert all(type(kind) is CollectionKind for kind in seen)


def _undeclared_searches(caps: Capabilities) -> list[CustomerQuery]:
    return [CustomerQuery(**{key.value: TextMatch(value="x", exact=exact)}) for key in SearchKey
            for exact in (True, False) if key not in (caps.server_exact if exact else caps.server_fuzzy)]


@pytest.mark.parametrize("key", KEYS)
async def test_undeclared_searches_are_refused_before_sending(key: str) -> None:
    with respx.mock():
        async with httpx.AsyncClient() as http:
            client = _provider(key, http)
            for query in _undeclared_searches(client.capabilities):
                with pytest.raises(e.NotSupportedError):
                    await client.search(query)


class _ExactOnlySquare(SquareProvider):
    capabilities = SquareProvider.capabilities.model_copy(update={"server_fuzzy": frozenset()})


async def test_search_follows_the_declaration_not_the_wire_code() -> None:
    fuzzy = CustomerQuery(email=TextMatch(value="ada", exact=False))
    with respx.mock() as router:
        route = router.post(f"{BASE}/v2/customers/search").mock(return_value=httpx.Response(200, json={}))
        async with httpx.AsyncClient() as http:
            config = ProviderConfig(base_url=BASE, credentials={"token": "t"})
            assert await SquareProvider(config, http).search(fuzzy) == []
            assert route.call_count == 1
            with pytest.raises(e.NotSupportedError):
                await _ExactOnlySquare(config, http).search(fuzzy)
            assert route.call_count == 1


def _attributes_read(path: Path) -> set[str]:
    """Names read as attributes (`x.name`) in a module's code, leaving out strings and comments."""
    names: set[str] = set()
    previous = None
    with path.open("rb") as source:
        for token in tokenize.tokenize(source.readline):
            if token.type == tokenize.NAME and previous is not None and previous.string == ".":
                names.add(token.string)
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                previous = token
    return names


def _read_outside(name: str, declared_in: Path) -> bool:
    return any(name in _attributes_read(path) for path in CONSOLE.rglob("*.py") if path != declared_in)


@pytest.mark.parametrize("name", sorted(Capabilities.model_fields))
def test_every_capability_is_read_by_something(name: str) -> None:
    assert _read_outside(name, CONSOLE / "domain" / "capabilities.py"), f"Capabilities.{name} is read by nothing"


def _read_through_property(name: str, declared_in: Path) -> bool:
    """Whether a property of ProviderInfo that reads `name` is itself read outside (`client`: `client_path`)."""
    properties = [(attribute, value) for attribute, value in vars(ProviderInfo).items() if isinstance(value, property)]
    return any(value.fget is not None and f"self.{name}" in inspect.getsource(value.fget)
               and _read_outside(attribute, declared_in) for attribute, value in properties)


@pytest.mark.parametrize("name", sorted(f.name for f in dataclasses.fields(ProviderInfo)))
def test_every_provider_info_field_is_read_by_something(name: str) -> None:
    registry = CONSOLE / "providers" / "registry.py"
    assert _read_outside(name, registry) or _read_through_property(name, registry), \
        f"ProviderInfo.{name} is read by nothing"
