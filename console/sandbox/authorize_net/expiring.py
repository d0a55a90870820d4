"""getCustomerPaymentProfileListRequest: the merchant's cards expiring in one month, sorted and paged.

As AnetApiSchema.xsd defines it: `searchType` is `cardsExpiringInMonth` (its only value), `month` is
`YYYY-MM`, `sorting.orderBy` is `id` (the payment profile id) with `orderDescending`, and `paging`
has `limit` (1-1000 items a page) and `offset` (the page number, from 1). The answer carries
`totalNumInResultSet` (every match, not only this page) and the page's items, whose ids are xs:int
and whose card data is masked like every other read without `unmaskExpirationDate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from console.sandbox.authorize_net.wire import AnetError, Record, truthy
from console.sandbox.authorize_net.xml_codec import Wrapped

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
# Without `paging` the whole result comes in one page of the schema's largest size [inferred].
DEFAULT_LIMIT = 1000


def expiring_cards(profiles: Iterable[Record], body: Record) -> Record:
    """The answer's result fields for a (schema-checked) getCustomerPaymentProfileListRequest body."""
    month = str(body["month"])
    if not _MONTH.fullmatch(month):
        raise AnetError("E00013", "The field is invalid. The month must be given as YYYY-MM.")
    matches = [(profile, payment) for profile in profiles for payment in profile["paymentProfiles"]
               if payment.get("expiration") == month]
    sorting = body.get("sorting") or {}
    matches.sort(key=lambda pair: int(pair[1]["customerPaymentProfileId"]),
                 reverse=truthy(sorting.get("orderDescending")))
    paging = body.get("paging") or {}
    limit = int(paging.get("limit", DEFAULT_LIMIT))
    start = (int(paging.get("offset", 1)) - 1) * limit
    page = [_item(profile, payment) for profile, payment in matches[start:start + limit]]
    result: Record = {"totalNumInResultSet": len(matches)}
    if page:
        result["paymentProfiles"] = Wrapped("paymentProfile", page)
    return result


def _item(profile: Record, payment: Record) -> dict[str, Any]:
    """One customerPaymentProfileListItemType, in the schema's order (billTo and payment are required)."""
    return {"defaultPaymentProfile": bool(payment.get("defaultPaymentProfile")),
            "customerPaymentProfileId": int(payment["customerPaymentProfileId"]),
            "customerProfileId": int(profile["customerProfileId"]),
            "billTo": dict(payment.get("billTo") or {}),
            "payment": {"creditCard": {"cardNumber": f"XXXX{payment['last4']}", "expirationDate": "XXXX",
                                       "cardType": payment["cardType"]}}}
