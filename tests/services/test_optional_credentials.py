"""A credential marked optional (Clover's Ecommerce private key) does not stop an account from opening;
a required one still does."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.domain import errors as e
from console.providers.registry import provider
from console.services.accounts import Account, credentials_for_test, open_session
from console.services.secrets import secret_name
from console.services.settings import AccountSettings
from tests.support.service_context import Recorder, service_context


def _account(settings: AccountSettings) -> Account:
    return Account(id=settings.id, info=provider(settings.provider), name=settings.name,
                   environment=settings.environment, settings=settings)


def test_clovers_ecommerce_private_key_is_the_optional_one() -> None:
    required = {c.key: c.required for c in provider("clover").credentials}
    assert required == {"token": True, "ecommerce_private_key": False}
    assert provider("clover").capabilities.card_form is not None
    assert provider("clover").capabilities.card_form.required_credentials == ("ecommerce_private_key",)


async def test_an_account_without_its_optional_credential_opens(tmp_path: Path) -> None:
    context = service_context(tmp_path / "app")
    settings = AccountSettings(provider="clover", name="Cafe", options={"merchant_id": "ABCDEFGHJKMNP"})
    context.secrets.set(secret_name(settings.id, "clover", "token"), "clover-token")
    session = await open_session(_account(settings), secrets=context.secrets, demo=context.demo,
                                 transport=Recorder())
    try:
        assert dict(session.provider.config.credentials) == {"token": "clover-token"}
    finally:
        await session.aclose()
    assert await credentials_for_test(settings, settings, {}, context.secrets) == {"token": "clover-token"}


async def test_a_missing_required_credential_still_stops_it(tmp_path: Path) -> None:
    context = service_context(tmp_path / "app")
    settings = AccountSettings(provider="clover", name="Cafe", options={"merchant_id": "ABCDEFGHJKMNP"})
    context.secrets.set(secret_name(settings.id, "clover", "ecommerce_private_key"), "private")
    with pytest.raises(e.AuthenticationError, match="No API token stored for Cafe"):
        await open_session(_account(settings), secrets=context.secrets, demo=context.demo, transport=Recorder())
