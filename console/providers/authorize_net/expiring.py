"""The merchant's cards expiring in one month, from getCustomerPaymentProfileListRequest.

The one call that finds cards without reading every profile. `searchType` is `cardsExpiringInMonth`,
`month` is `YYYY-MM`, sorting is by payment profile id, and paging counts `offset` in pages of
`limit` (1 to 1000) from 1 (AnetApiSchema.xsd). The answer masks the expiry like any read without
`unmaskExpirationDate`, so each card's month and year are the month that was asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from console.domain import errors as e
from console.domain.customer import PaymentMethod
from console.providers.authorize_net.capabilities import NAME
from console.providers.authorize_net.mapping import listed, payment_method
from console.providers.authorize_net.wire import WireListedPaymentProfile
from console.providers.wire_reading import read_model

SEARCH_TYPE = "cardsExpiringInMonth"
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ExpiringCard:
    """One masked card and the customer profile it belongs to."""

    customer_id: str
    card: PaymentMethod


@dataclass(frozen=True, slots=True)
class ExpiringCards:
    """One page of cards expiring in a month, and how many there are in all."""

    cards: list[ExpiringCard]
    total: int


def request_elements(year: int, month: int, *, limit: int, page: int, descending: bool) -> list[tuple[str, Any]]:
    """The request's own elements in schema order (InvalidInputError for a month, size or page out of range)."""
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        raise e.InvalidInputError(f"{year}-{month} is not a month.", provider=NAME)
    if not (1 <= limit <= MAX_PAGE_SIZE and 1 <= page <= 100_000):
        raise e.InvalidInputError(f"A page holds 1 to {MAX_PAGE_SIZE} cards and is numbered 1 to 100000.",
                                  provider=NAME)
    return [("searchType", SEARCH_TYPE), ("month", f"{year:04d}-{month:02d}"),
            ("sorting", {"orderBy": "id", "orderDescending": descending}),
            ("paging", {"limit": limit, "offset": page})]


def cards_from_wire(body: Any, year: int, month: int) -> ExpiringCards:
    """The page of cards in a getCustomerPaymentProfileListResponse (items may come as one object)."""
    total = body.get("totalNumInResultSet") if isinstance(body, Mapping) else None
    if not isinstance(total, int) or isinstance(total, bool):
        raise e.ProtocolError(f"{NAME} did not say how many cards expire that month.", field="totalNumInResultSet",
                              provider=NAME)
    items = listed(body.get("paymentProfiles") or [])
    if isinstance(items, Mapping) and "paymentProfile" in items:  # the XML-shaped wrapper
        items = listed(items["paymentProfile"])
    if not isinstance(items, list):
        raise e.ProtocolError(f"{NAME} sent expiring cards we cannot read.", field="paymentProfiles", provider=NAME)
    cards = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping):  # xs:int ids come as JSON numbers
            item = {**item, **{k: str(item[k]) for k in ("customerPaymentProfileId", "customerProfileId")
                               if isinstance(item.get(k), int) and not isinstance(item.get(k), bool)}}
        wire = read_model(WireListedPaymentProfile, item, provider=NAME, what="an expiring card",
                          at=f"paymentProfiles[{index}]")
        card = payment_method(wire)
        if card.exp_month is None:  # masked, as this call answers: it expires in the month asked for
            card = replace(card, exp_month=month, exp_year=year)
        cards.append(ExpiringCard(customer_id=wire.customerProfileId, card=card))
    return ExpiringCards(cards=cards, total=total)
