"""The accounts dialog's use cases without Qt: the form per provider, the checks, Test connection
and saving to the keychain and settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.domain import errors as e
from console.sandbox.square import SquareEmulator
from console.services.account_forms import (
    account_problem,
    default_base_url,
    environment_from_key,
    provider_form,
    provider_forms,
)
from console.services.accounts import check_connection, save_accounts, stored_credential_keys
from console.services.secrets import MemorySecrets, secret_name
from console.services.settings import AccountSettings
from tests.support.service_context import LockedKeychain, Recorder, service_context

TOKEN = "EAAAl-token-for-tests-only"


# -- the form per provider --------------------------------------------------------------------
def test_every_provider_has_a_form_in_menu_order_with_its_fields() -> None:
    forms = provider_forms()
    assert [f.key for f in forms] == ["square", "authorize-net", "clover", "payarc", "digital-river"]
    clover = provider_form("clover")
    assert clover.display_name == "Clover"
    assert [o.key for o in clover.options] == ["merchant_id", "region", "ecommerce_public_key"]
    assert [c.key for c in provider_form("square").credentials] == ["token"]
    assert provider_form("digital-river").environment_from_key and not clover.environment_from_key


def test_the_default_base_url_follows_environment_and_options() -> None:
    assert "squareupsandbox.com" in default_base_url(AccountSettings(provider="square", name="S"))
    eu = AccountSettings(provider="clover", name="C", environment="production", options={"region": "eu"})
    assert "eu.clover.com" in default_base_url(eu)


@pytest.mark.parametrize(("typed", "expected"), [
    ({"secret_key": "sk_test_abc"}, "sandbox"), ({"secret_key": "sk_live_abc"}, "production"), ({}, None)])
def test_a_digital_river_key_names_its_environment(typed: dict[str, str], expected: str | None) -> None:
    assert environment_from_key("digital-river", typed) == expected
    assert environment_from_key("square", {"token": "sk_live_abc"}) is None


# -- checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("account", "problem"), [
    (AccountSettings(provider="square", name=""), "Give every account a display name."),
    (AccountSettings(provider="square", name="Shop", base_url="http://example.com"), "Shop: plain http"),
    (AccountSettings(provider="clover", name="Cafe"), "Cafe: enter the Merchant id."),
])
def test_an_account_that_cannot_be_saved_says_why(account: AccountSettings, problem: str) -> None:
    found = account_problem(account)
    assert found is not None and found.startswith(problem)


def test_a_complete_account_has_no_problem() -> None:
    assert account_problem(AccountSettings(provider="clover", name="Cafe", options={"merchant_id": "M1"})) is None
    assert account_problem(AccountSettings(provider="square", name="Shop", base_url="https://proxy.example")) is None


# -- Test connection --------------------------------------------------------------------------
async def test_test_connection_with_typed_credentials_answers_the_environment(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    emulator = SquareEmulator(seed=1, customers=2, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    draft = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    # An override to a host that is not Square's is treated as production.
    assert await check_connection(context, draft, {"token": TOKEN}) == "production"
    with pytest.raises(e.AuthenticationError):
        await check_connection(context, draft, {"token": TOKEN + "-wrong"})


async def test_test_connection_uses_the_stored_secret_where_it_was_saved_for(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    emulator = SquareEmulator(seed=1, customers=2, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    saved = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    assert await save_accounts(context, [saved], {saved.id: {"token": TOKEN}}, show_demo=False) is None
    assert await check_connection(context, saved.model_copy(), {}) == "production"


async def test_test_connection_checks_the_account_before_sending_anything(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    recorder = Recorder()
    context.transport = recorder
    with pytest.raises(e.InvalidInputError, match="enter the Merchant id"):
        await check_connection(context, AccountSettings(provider="clover", name="Cafe"), {"token": "t"})
    with pytest.raises(e.AuthenticationError, match="No Access token"):
        await check_connection(context, AccountSettings(provider="square", name="Shop"), {})
    assert recorder.requests == []
    assert await check_connection(context, AccountSettings(provider="square", name="Shop"), {"token": "t"}) == "sandbox"
    assert len(recorder.requests) == 1


# -- saving -----------------------------------------------------------------------------------
async def test_saving_writes_secrets_to_the_keychain_and_the_rest_to_settings(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    shop = AccountSettings(provider="square", name="Shop")
    assert await save_accounts(context, [shop], {shop.id: {"token": TOKEN}}, show_demo=True) is None
    assert isinstance(context.secrets, MemorySecrets)
    assert context.secrets.names() == [secret_name(shop.id, "square", "token")]
    assert await stored_credential_keys(shop, context.secrets) == {"token"}
    on_disk = context.store.path.read_text(encoding="utf-8")
    assert TOKEN not in on_disk
    written = json.loads(on_disk)
    assert [a["name"] for a in written["accounts"]] == ["Shop"] and written["show_demo_accounts"] is True
    # The settings hold a copy: later edits in the dialog do not leak into them unsaved.
    shop.name = "Renamed"
    assert context.settings.accounts[0].name == "Shop"

    assert await save_accounts(context, [], {}, show_demo=False) is None
    assert context.secrets.names() == []
    assert await stored_credential_keys(shop, context.secrets) == set()


async def test_a_keychain_that_refuses_the_secret_leaves_the_settings_unsaved(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    context.secrets = LockedKeychain()
    shop = AccountSettings(provider="square", name="Shop")
    with pytest.raises(e.ConsoleError, match=r"keychain refused to store the credentials \(PasswordSetError\)"):
        await save_accounts(context, [shop], {shop.id: {"token": TOKEN}}, show_demo=False)
    assert context.settings.accounts == [] and context.settings.show_demo_accounts
    assert not context.store.path.exists()


async def test_a_settings_file_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    context = service_context(tmp_path)
    context.store.path.mkdir(parents=True)   # a folder where the file should be
    shop = AccountSettings(provider="square", name="Shop")
    problem = await save_accounts(context, [shop], {shop.id: {"token": TOKEN}}, show_demo=False)
    assert problem is not None and "could not be saved" in problem
    assert await stored_credential_keys(shop, context.secrets) == {"token"}
