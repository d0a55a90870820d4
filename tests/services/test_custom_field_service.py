"""The custom field service on the Square emulator: values read into the table's searchable columns,
written through the one write path, stale values, and definitions made and deleted."""

from __future__ import annotations

import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, SelectionOption, column_key
from console.providers.registry import provider
from console.services.custom_field_service import split_changes
from console.services.settings import ColumnLayout
from console.services.table_columns import custom_columns, keep_unknown, table_columns
from console.services.write_records import WriteOp, WriteRecord
from tests.services.conftest import OpenDemo

DRINK = CustomFieldDefinition(key="favourite-drink", name="Favourite drink", type=CustomFieldType.SELECTION,
                              description="What they order", max_selections=1,
                              options=(SelectionOption(uid="", name="Horchata"), SelectionOption(uid="", name="Tea")))


def test_a_dialogs_changes_split_into_the_profiles_and_the_custom_fields() -> None:
    changes = CustomerChanges(values={"email": "a@example.com", "custom.tier": ("u1",)},
                              cleared=frozenset({"note", "custom.manager"}))
    profile, custom = split_changes(changes)
    assert profile == CustomerChanges(values={"email": "a@example.com"}, cleared=frozenset({"note"}))
    assert custom == {"manager": None, "tier": ("u1",)}
    assert split_changes(profile) == (profile, {})


async def test_values_are_read_into_searchable_columns_by_their_display_text(open_demo: OpenDemo) -> None:
    demo = await open_demo("square", customers=30)
    fields, index = demo.session.custom_fields, demo.service.index
    await demo.service.load()
    definitions = await fields.definitions()
    assert any(d.type is CustomFieldType.SELECTION for d in definitions)
    progress = await fields.load_values(concurrency=3)
    assert progress.read == progress.total == len(index) and progress.failures == 0
    tier = next(d for d in definitions if d.key == "loyalty-tier")
    holder = next(c for c in index if (v := fields.values_of(c.id)) and any(x.key == tier.key for x in v))
    uids = fields.with_values(holder).custom_value(tier.key)
    name = next(o.name for o in tier.options if o.uid in uids)
    assert index.value(holder, column_key(tier.key)) == name   # the option's name, not its uid
    assert index.position(holder.id) in index.matching(name.lower())   # the search finds it by that name


async def test_saving_goes_through_the_write_path_and_a_stale_value_brings_the_current_one(
        open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    fields, service = demo.session.custom_fields, demo.service
    await service.load()
    await fields.definitions()
    records: list[WriteRecord] = []
    service.after_write.append(records.append)
    customer = await fields.read_values(next(iter(service.index)))
    saved = await fields.save_values(customer, {"account-manager": "Grace Hopper"})
    assert saved.custom_value("account-manager") == "Grace Hopper"
    assert [(r.operation, r.customer_id, r.target, r.succeeded) for r in records] == [
        (WriteOp.SET_CUSTOM_FIELD, customer.id, "account-manager", True)]
    assert service.index.value(customer, column_key("account-manager")) == "Grace Hopper"

    # Another write lands in between: the version the first copy carries is stale now.
    await fields.save_values(saved, {"account-manager": "Ana Souza"})
    with pytest.raises(e.StaleVersionError) as stale:
        await fields.save_values(saved, {"account-manager": "Tom Becker"})
    assert stale.value.current is not None and stale.value.current.custom_value("account-manager") == "Ana Souza"
    current = stale.value.current
    cleared = await fields.save_values(current, {"account-manager": None})
    assert cleared.custom_value("account-manager") is None
    assert records[-1].operation is WriteOp.DELETE_CUSTOM_FIELD


async def test_a_read_only_account_sends_nothing(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    demo.service.read_only = True
    await demo.service.load()
    customer = next(iter(demo.service.index))
    before = len(demo.wire.methods)
    with pytest.raises(e.ReadOnlyAccountError):
        await demo.session.custom_fields.save_values(customer, {"account-manager": "X"})
    with pytest.raises(e.ReadOnlyAccountError):
        await demo.session.custom_fields.create_definition(DRINK, idempotency_key="k")
    assert len(demo.wire.methods) == before


async def test_definitions_made_and_deleted_follow_in_the_columns_and_the_values(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    fields, index = demo.session.custom_fields, demo.service.index
    await demo.service.load()
    told: list[list[str]] = []
    fields.definitions_changed.append(lambda defs: told.append([d.key for d in defs]))
    await fields.definitions()
    created = await fields.create_definition(DRINK, idempotency_key="drink-1")
    assert [o.name for o in created.options] == ["Horchata", "Tea"] and all(o.uid for o in created.options)
    assert "favourite-drink" in told[-1]
    customer = next(iter(index))
    await fields.read_values(customer)
    await fields.save_values(fields.with_values(customer), {"favourite-drink": (created.options[0].uid,)})
    assert fields.holders("favourite-drink") == 1
    assert index.matching("horchata") == [index.position(customer.id)]
    index.remove([customer.id])   # deleted, say: no longer a loaded customer holding it
    assert fields.holders("favourite-drink") == 0
    index.upsert([customer])
    await fields.delete_definition("favourite-drink")
    assert fields.holders("favourite-drink") == 0 and "favourite-drink" not in told[-1]
    assert index.matching("horchata") == []


def test_custom_columns_are_offered_hidden_and_a_layout_saved_before_they_arrive_keeps_them() -> None:
    square = provider("square").capabilities
    columns = table_columns(square, [DRINK])
    assert columns[-1] == custom_columns([DRINK])[0]
    assert (columns[-1].key, columns[-1].label, columns[-1].hidden_by_default) == (
        "custom.favourite-drink", "Favourite drink", True)
    saved = ColumnLayout(order=["name", "custom.favourite-drink"], widths={"custom.favourite-drink": 90},
                         hidden=["email"])
    current = ColumnLayout(order=["name", "email"], widths={"name": 200}, hidden=[])   # no custom columns yet
    kept = keep_unknown(saved, current)
    assert kept.order == ["name", "email", "custom.favourite-drink"]
    assert kept.widths == {"custom.favourite-drink": 90, "name": 200} and kept.hidden == []


async def test_definitions_read_again_unchanged_tell_nobody(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    fields = demo.session.custom_fields
    told: list[int] = []
    fields.definitions_changed.append(lambda defs: told.append(len(defs)))
    first = await fields.definitions()
    again = await fields.definitions(refresh=True)
    assert first == again and told == [len(first)]   # the table is not rebuilt for nothing
