"""Secrets and cards never reach the journal: after writes that carry a card through the provider's
form, a refused card number and a failing request, the journal's stored text holds no card number,
no CVV and no credential, and the card appears only as its masked label."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.services.card_capture import CardCapture
from console.services.journal import Journal
from console.store.tables import journal as journal_table
from tests.services.conftest import OpenDemo
from tests.services.test_card_capture import PlayedBrowser
from tests.support.card_browser import TEST_CARD


async def _stored_text(journal: Journal) -> str:
    def read() -> str:
        db = journal.workspace._db
        assert db is not None
        with db.read() as connection:
            rows = connection.execute(sa.select(journal_table)).mappings().all()
        return "\n".join(str(dict(row)) for row in rows)
    return await journal.workspace._run(read)


async def test_the_journal_keeps_no_card_number_and_no_credential(open_demo: OpenDemo, journal: Journal) -> None:
    demo = await open_demo("authorize-net")
    account, service = demo.session.account, demo.service
    service.journal = journal.for_account(account.id, account.name, account.info.key)
    await service.load()
    holder = await service.fetch(next(iter(service.index)).id)

    browser = PlayedBrowser(TEST_CARD)
    with_card = await CardCapture(demo.session, holder, demo=demo.sandbox).run(browser)
    await browser.finished()
    # A card number typed into a free-text field is refused before anything is journaled or sent.
    with pytest.raises(e.InvalidInputError):
        await service.update(with_card, CustomerChanges(values={"description": "card 4111 1111 1111 1111"}))
    # A delete (the whole customer is kept, to re-create it from) of the customer holding the card.
    await service.delete_many([with_card])

    text = await _stored_text(journal)
    assert "attach_card" in text and "delete" in text
    masked = with_card.payment_methods[-1].masked()
    assert masked in text   # the card, as everywhere else: its masked label
    for secret in (TEST_CARD["card_number"], "4111 1111 1111 1111", *demo.session.provider.config.credentials.values()):
        assert secret not in text
    assert "cvv" not in text.lower() and "card_number" not in text
