"""Where credentials may go: base URL rules, secrets per provider, and nothing left after removal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.providers.registry import provider
from console.sandbox.square.emulator import SquareEmulator
from console.services.accounts import (
    Account,
    credentials_for_test,
    open_session,
    save_account_changes,
    stored_credentials,
)
from console.services.base_url import base_url_problem, classify_override
from console.services.context import AppContext
from console.services.drafts import Draft
from console.services.secrets import MemorySecrets, secret_name
from console.services.settings import AccountSettings
from console.services.start_snapshot import StartSnapshot, encode_snapshot
from console.services.workspace_key import KEYCHAIN_NAME
from tests.support.service_context import Recorder, service_context

TOKEN = "EAAAl-token-for-tests-only"


def _context(tmp_path: Path) -> AppContext:
    return service_context(tmp_path / "app")


def _account(settings: AccountSettings) -> Account:
    return Account(id=settings.id, info=provider(settings.provider), name=settings.name,
                   environment=settings.environment, settings=settings)


# -- base URL ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["https://example.com", "https://proxy.internal:8443/v2", "http://127.0.0.1:8080",
                                 "http://127.9.9.9", "http://localhost:5000/", "http://[::1]:9000"])
def test_allowed_base_urls(url: str) -> None:
    assert base_url_problem(url) is None


@pytest.mark.parametrize(("url", "why"), [
    ("http://example.com", "plain http"), ("http://10.0.0.5:8080", "plain http"),
    ("http://192.168.1.10", "plain http"), ("http://localhost.example.com", "plain http"),
    ("http://127.0.0.1.nip.io", "plain http"), ("ftp://example.com", "https://"),
    ("https://", "https://"), ("https://user:pw@example.com", "user name or password"),
    ("https://example.com:notaport", "not a valid URL"),
])
def test_refused_base_urls(url: str, why: str) -> None:
    problem = base_url_problem(url)
    assert problem is not None and why in problem


async def test_a_hand_edited_http_override_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    context = _context(tmp_path)
    settings = AccountSettings(provider="square", name="Shop", base_url="http://attacker.example")
    context.secrets.set(secret_name(settings.id, "square", "token"), TOKEN)
    recorder = Recorder()
    with pytest.raises(e.InvalidInputError, match="Plain http"):
        await open_session(_account(settings), secrets=context.secrets, demo=context.demo, transport=recorder)
    assert recorder.requests == []


@pytest.mark.parametrize(("url", "environment", "kind", "effective"), [
    ("http://127.0.0.1:9000", "sandbox", "loopback", "sandbox"),
    ("https://connect.squareupsandbox.com", "sandbox", "provider", "sandbox"),
    ("https://connect.squareup.com", "sandbox", "provider", "production"),   # a sandbox account aimed at live
    ("https://connect.squareupsandbox.com", "production", "provider", "sandbox"),
    ("https://square-proxy.example.com", "sandbox", "other", "production"),
])
def test_what_an_override_means_for_writes(url: str, environment: str, kind: str, effective: str) -> None:
    override = classify_override(provider("square"), url, environment)  # type: ignore[arg-type]
    assert (override.kind, override.environment) == (kind, effective)


def test_every_region_host_of_a_provider_is_its_own() -> None:
    assert classify_override(provider("clover"), "https://api.eu.clover.com", "production").kind == "provider"


async def test_an_override_to_an_unknown_host_opens_as_production(tmp_path: Path) -> None:
    context = _context(tmp_path)
    emulator = SquareEmulator(seed=1, customers=3, credentials={"token": TOKEN})
    settings = AccountSettings(provider="square", name="Shop", environment="sandbox", base_url=emulator.base_url)
    session = await open_session(_account(settings), secrets=context.secrets, demo=context.demo,
                                 transport=emulator.transport(), credentials={"token": TOKEN})
    try:
        assert session.environment == "production"
        assert session.override is not None and session.override.host == "square.emulator.invalid"
    finally:
        await session.aclose()


# -- secrets per account and provider ---------------------------------------------------------
async def test_changing_the_provider_never_sends_the_old_providers_secret(tmp_path: Path) -> None:
    context = _context(tmp_path)
    square = AccountSettings(provider="square", name="Shop")
    await save_account_changes(context, [square], {square.id: {"token": TOKEN}})
    context.settings.accounts = [square]
    assert await stored_credentials(square, context.secrets) == {"token": TOKEN}

    as_clover = square.model_copy(update={"provider": "clover", "options": {"merchant_id": "M1"}})
    assert await stored_credentials(as_clover, context.secrets) == {}
    await save_account_changes(context, [as_clover], {})
    assert isinstance(context.secrets, MemorySecrets)
    assert context.secrets.names() == []     # the Square token is gone with the change


async def test_a_removed_account_leaves_no_secret_draft_or_snapshot(tmp_path: Path) -> None:
    context = _context(tmp_path)
    gone = AccountSettings(provider="square", name="Old shop")
    kept = AccountSettings(provider="payarc", name="Other")
    await save_account_changes(context, [gone, kept], {gone.id: {"token": TOKEN}, kept.id: {"token": "pa-token"}})
    context.secrets.set(f"{gone.id}/token", "from-an-older-version")
    context.settings.accounts = [gone, kept]
    context.drafts.save("d1", Draft(account_id=gone.id, account_name=gone.name, values={"note": "typed"}))
    context.drafts.save("d2", Draft(account_id=kept.id, account_name=kept.name, values={"note": "mine"}))
    context.workspace.start()
    assert await context.workspace.ready()
    context.workspace.keep_start_view(gone.id, encode_snapshot(StartSnapshot(
        account_id=gone.id, account_label="Old shop", account_name="Old shop", environment="sandbox",
        geometry="", columns=("Name",), header_state="", rows=(("Ann",),))))
    context.workspace.keep_start_view(kept.id, encode_snapshot(StartSnapshot(
        account_id=kept.id, account_label="Other", account_name="Other", environment="sandbox",
        geometry="", columns=("Name",), header_state="", rows=(("Bea",),))))

    await save_account_changes(context, [kept], {})

    assert isinstance(context.secrets, MemorySecrets)
    assert [n for n in context.secrets.names() if n != KEYCHAIN_NAME] == [secret_name(kept.id, "payarc", "token")]
    assert [d.account_id for _, d in context.drafts.pending()] == [kept.id]
    assert list(await context.workspace.start_views()) == [kept.id]
    await context.workspace.close()


async def test_a_secret_stored_by_an_older_version_is_found_and_renamed(tmp_path: Path) -> None:
    secrets = MemorySecrets()
    settings = AccountSettings(provider="square", name="Shop")
    secrets.set(f"{settings.id}/token", TOKEN)
    assert await stored_credentials(settings, secrets) == {"token": TOKEN}
    assert secrets.names() == [secret_name(settings.id, "square", "token")]


async def test_test_connection_sends_stored_secrets_only_where_they_were_saved_for(tmp_path: Path) -> None:
    context = _context(tmp_path)
    saved = AccountSettings(provider="square", name="Shop")
    await save_account_changes(context, [saved], {saved.id: {"token": TOKEN}})

    assert await credentials_for_test(saved.model_copy(), saved, {}, context.secrets) == {"token": TOKEN}
    moved = saved.model_copy(update={"base_url": "https://square-proxy.example.com"})
    with pytest.raises(e.AuthenticationError, match="Type the Access token again"):
        await credentials_for_test(moved, saved, {}, context.secrets)
    live = saved.model_copy(update={"environment": "production"})
    with pytest.raises(e.AuthenticationError):
        await credentials_for_test(live, saved, {}, context.secrets)
    assert await credentials_for_test(moved, saved, {"token": "typed-again"}, context.secrets) == {
        "token": "typed-again"}


# -- card numbers -----------------------------------------------------------------------------
async def test_the_service_refuses_a_card_number_in_a_note_and_sends_nothing(tmp_path: Path) -> None:
    context = _context(tmp_path)
    emulator = SquareEmulator(seed=2, customers=3, credentials={"token": TOKEN})
    settings = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    session = await open_session(_account(settings), secrets=context.secrets, demo=context.demo,
                                 transport=emulator.transport(), credentials={"token": TOKEN})
    try:
        customer = (await session.provider.list_page()).customers[0]
        before = json.dumps(emulator.customer(customer.id), sort_keys=True)
        with pytest.raises(e.InvalidInputError) as caught:
            await session.service.update(customer, CustomerChanges(values={"note": "card 4111-1111-1111-1111"}))
        assert "card number" in caught.value.field_errors["note"]
        with pytest.raises(e.InvalidInputError):
            await session.service.create(CustomerChanges(values={"given_name": "Ann",
                                                                 "note": "4111_1111_1111_1111"}),
                                         idempotency_key="k1")
        assert json.dumps(emulator.customer(customer.id), sort_keys=True) == before
        assert len(emulator.customer_ids(listed_only=False)) == 3
    finally:
        await session.aclose()


def test_drafts_never_hold_a_card_number(tmp_path: Path) -> None:
    context = _context(tmp_path)
    values = {"note": "card 4111 1111 1111 1111", "metadata": {"k": "4111.1111.1111.1111"}}
    context.drafts.save("d", Draft(account_id="a", account_name="A", values=values))
    context.drafts.flush()
    on_disk = next(context.paths.drafts_dir.glob("*.json")).read_text(encoding="utf-8")
    assert "4111 1111" not in on_disk and "4111.1111" not in on_disk and "[CARD …1111]" in on_disk


