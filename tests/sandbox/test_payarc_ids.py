"""PayArc's emulator and the `cus_` form of a customer id.

PayArc's SDKs show customer ids as `cus_<id>` but strip the prefix before every call: the API knows
only the bare id (shared/api/payarc.md §2). PayArc runs on Apiato, whose customer ids are Hashids
(`real_id` beside `id` in every answer); `cus_...` holds `_`, which no Hashids alphabet has, so it
cannot be decoded, and Apiato answers its IncorrectIdException: 400, "ID input is incorrect.".
The emulator used to find the customer for GET and PATCH but fail on DELETE with a 500.
"""

from __future__ import annotations

import httpx
import pytest

from console.sandbox.payarc import PayArcEmulator


@pytest.fixture
def emulator() -> PayArcEmulator:
    return PayArcEmulator(seed=3, customers=5)


def _http(emulator: PayArcEmulator) -> httpx.Client:
    info = emulator.connection_info(emulator.base_url)
    return httpx.Client(transport=emulator.sync_transport(), base_url=info["base_url"] + "/",
                        headers={"Authorization": f"Bearer {info['token']}", "Accept": "application/json"})


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_prefixed_id_is_refused_as_apiato_refuses_an_undecodable_id(emulator: PayArcEmulator, method: str) -> None:
    customer_id = next(iter(emulator._customers))
    with _http(emulator) as http:
        answer = http.request(method, f"customers/cus_{customer_id}", data={"name": "Ada Lovelace"})
        assert (answer.status_code, answer.json()) == (400, {"message": "ID input is incorrect.", "status_code": 400})
        assert http.get(f"customers/{customer_id}").json()["data"]["name"] == emulator.customer(customer_id)["name"]
    assert emulator.customer(customer_id) is not None


def test_the_bare_id_is_deleted_and_then_not_found(emulator: PayArcEmulator) -> None:
    customer_id = next(iter(emulator._customers))
    with _http(emulator) as http:
        assert http.delete(f"customers/{customer_id}").status_code == 204
        assert http.delete(f"customers/{customer_id}").status_code == 404
    assert emulator.customer(customer_id) is None
