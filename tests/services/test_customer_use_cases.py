"""Each user-visible action of CustomerService, called directly against a provider's emulator:
loading, lookups, reading one customer, creating (both ways), updating, actions, group
membership and deleting several at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.changes import CustomerChanges
from console.providers.base import Page
from console.services.customer_loading import LoadProgress
from tests.services.conftest import SEEDED, OpenDemo


async def test_loading_fills_the_index_page_by_page_and_drops_who_is_gone(open_demo: OpenDemo) -> None:
    demo = await open_demo("square", customers=SEEDED)
    seen: list[tuple[int, bool]] = []

    def on_progress(progress: LoadProgress) -> None:
        seen.append((progress.loaded, progress.done))

    progress = await demo.service.load(on_progress)
    assert progress.done and not progress.failures
    assert progress.loaded == len(demo.service.index) > 0
    assert seen[-1] == (progress.loaded, True)
    assert [loaded for loaded, _ in seen] == sorted(loaded for loaded, _ in seen)
    gone = next(iter(demo.service.index))
    await demo.session.provider.delete(gone)        # removed elsewhere, behind the index's back
    assert demo.service.index.get(gone.id) is not None
    await demo.service.load()
    assert demo.service.index.get(gone.id) is None
    assert len(demo.service.index) == progress.loaded - 1


async def test_a_page_is_taken_into_the_index_in_a_turn_after_the_one_that_decoded_it(open_demo: OpenDemo) -> None:
    # Decoding a page and indexing it are about as long each: the window may paint or take a keystroke
    # between them (P6), so what was queued as the page arrived runs before it is indexed.
    demo = await open_demo("square", customers=250)   # three pages
    provider = demo.session.provider
    pages = provider.iter_pages
    indexed_before_the_next_turn: list[bool] = []

    def indexed(customer_id: str) -> None:
        indexed_before_the_next_turn.append(demo.service.index.get(customer_id) is not None)

    async def iter_pages(**options: Any) -> AsyncIterator[Page]:
        async for page in pages(**options):
            asyncio.get_running_loop().call_soon(indexed, page.customers[0].id)
            yield page
    provider.iter_pages = iter_pages  # type: ignore[method-assign]
    progress = await demo.service.load()
    assert progress.pages == 3 and progress.loaded == len(demo.service.index)
    assert indexed_before_the_next_turn == [False] * progress.pages


async def test_a_lookup_asks_the_server_and_an_unsupported_one_sends_nothing(open_demo: OpenDemo) -> None:
    demo = await open_demo("clover")
    page = await anext(aiter(demo.session.provider.iter_pages()))   # read beside the service: not indexed
    customer = next(c for c in page.customers if c.email)
    assert demo.service.index.get(customer.id) is None
    assert customer.email is not None
    found = await demo.service.lookup(SearchKey.EMAIL, customer.email)
    assert customer.id in [c.id for c in found]
    assert demo.service.index.get(customer.id) is not None   # found customers join the index
    unsupported = next(k for k in SearchKey if k not in demo.service.capabilities.server_exact)
    sent = len(demo.wire.methods)
    with pytest.raises(e.NotSupportedError):
        await demo.service.lookup(unsupported, "x")
    assert len(demo.wire.methods) == sent


async def test_fetching_a_customer_gone_meanwhile_drops_it_from_the_index(open_demo: OpenDemo) -> None:
    demo = await open_demo("payarc")
    await demo.service.load()
    customer = next(iter(demo.service.index))
    assert (await demo.service.fetch(customer.id)).id == customer.id
    await demo.session.provider.delete(customer)
    with pytest.raises(e.NotFoundError):
        await demo.service.fetch(customer.id)
    assert demo.service.index.get(customer.id) is None


async def test_create_and_update_keep_the_index_current(open_demo: OpenDemo) -> None:
    demo = await open_demo("digital-river")
    service = demo.service
    created = await service.create(CustomerChanges(values={"given_name": "Use Case", "email": "case@example.com",
                                                           "type": "individual"}),
                                   idempotency_key=service.new_idempotency_key())
    assert service.index.get(created.id) == created
    updated = await service.update(created, CustomerChanges(values={"company": "Cases Ltd"}))
    assert updated.company == "Cases Ltd"
    assert service.index.get(created.id) == updated
    assert await service.update(updated, CustomerChanges()) is updated   # nothing to send
    assert (await demo.session.provider.get(created.id)).company == "Cases Ltd"


async def test_an_action_is_an_update_with_its_values(open_demo: OpenDemo) -> None:
    demo = await open_demo("digital-river")
    await demo.service.load()
    action = demo.service.capabilities.actions[0]
    customer = next(c for c in demo.service.index if not c.value("request_to_be_forgotten"))
    done = await demo.service.run_action(customer, action)
    assert all(done.value(key) == value for key, value in action.values.items())
    assert customer.id in demo.emulator.customer_ids_forgotten()  # type: ignore[attr-defined]


async def test_creating_from_a_transaction_adds_the_new_customer(open_demo: OpenDemo) -> None:
    demo = await open_demo("authorize-net")
    await demo.service.load()
    before = len(demo.service.index)
    transaction = demo.emulator.transaction_ids()[0]  # type: ignore[attr-defined]
    created = await demo.service.create_from(transaction, idempotency_key=demo.service.new_idempotency_key())
    assert demo.service.index.get(created.id) == created
    assert len(demo.service.index) == before + 1


async def test_group_membership_is_set_and_read_back(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    await demo.service.load()
    groups = await demo.service.groups()
    assert groups and await demo.service.groups() == groups
    customer = next(iter(demo.service.index))
    group = next(g for g in groups if g.id not in customer.group_ids)
    joined = await demo.service.set_group(customer, group.id, True)
    assert group.id in joined.group_ids
    assert demo.service.index.get(customer.id) == joined
    left = await demo.service.set_group(joined, group.id, False)
    assert group.id not in left.group_ids


async def test_deleting_several_uses_the_bulk_endpoint_and_one_uses_the_plain_delete(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    await demo.service.load()
    first, second, third = list(demo.service.index)[:3]
    demo.wire.methods.clear()
    result = await demo.service.delete_many([first, second])
    assert (set(result.succeeded), result.failed) == ({first.id, second.id}, {})
    assert demo.wire.methods == ["POST"]             # one bulk-delete request
    demo.wire.methods.clear()
    result = await demo.service.delete_many([third])
    assert (list(result.succeeded), demo.wire.methods) == ([third.id], ["DELETE"])
    assert all(demo.service.index.get(c.id) is None for c in (first, second, third))


async def test_deleting_without_a_bulk_endpoint_deletes_each_and_gone_counts_as_deleted(open_demo: OpenDemo) -> None:
    demo = await open_demo("clover")
    await demo.service.load()
    first, second = list(demo.service.index)[:2]
    await demo.session.provider.delete(first)           # already gone when the user deletes it
    demo.wire.methods.clear()
    result = await demo.service.delete_many([first, second])
    assert (set(result.succeeded), result.failed) == ({first.id, second.id}, {})
    assert demo.wire.methods == ["DELETE", "DELETE"]
    assert demo.service.index.get(second.id) is None
