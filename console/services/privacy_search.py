"""Finding one person across every account for a privacy request (issue 21), without Qt.

Each account is asked live: by the provider's own exact lookups where it has one for every
identifier given (email, phone, name), else by reading all its customers; the workspace copy is
searched too, so a record that only the local copy still holds is found as well. Every record is
matched again here with the duplicate finder's keys (email folded, phone in E.164, name folded), so
each carries why it matched and a provider's looser lookup cannot bring in someone else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.customer import Customer
from console.domain.duplicate_keys import email_key, name_key, phone_key
from console.services.accounts import Account, AccountSession
from console.services.phone_display import phone_region
from console.services.workspace import LocalWorkspace


@dataclass(frozen=True, slots=True)
class Person:
    """Who the request is about: any of an email, a phone and a name."""

    email: str = ""
    phone: str = ""
    name: str = ""

    def given(self) -> list[tuple[SearchKey, str]]:
        """The identifiers given, as the provider lookups name them."""
        pairs = [(SearchKey.EMAIL, self.email), (SearchKey.PHONE, self.phone), (SearchKey.NAME, self.name)]
        return [(key, value.strip()) for key, value in pairs if value.strip()]

    def identifiers(self) -> dict[str, str]:
        return {key.value: value for key, value in self.given()}


def reasons(customer: Customer, person: Person) -> tuple[str, ...]:
    """Why `customer` is `person`'s record: each identifier of theirs it holds, normalised."""
    found: list[str] = []
    wanted_email = email_key(person.email)
    if wanted_email and wanted_email in {email_key(text) for text in _emails(customer)}:
        found.append(f"email {person.email.strip()}")
    region = phone_region(customer)
    wanted_phone = phone_key(person.phone, region)
    if wanted_phone and wanted_phone in {phone_key(text, region) for text in _phones(customer)}:
        found.append(f"phone {wanted_phone}")
    wanted_name = name_key(person.name, None)
    if wanted_name and wanted_name == name_key(customer.given_name, customer.family_name):
        found.append(f"name {person.name.strip()}")
    return tuple(found)


def _emails(customer: Customer) -> list[str]:
    return [text for text in (customer.email, *(point.value for point in customer.emails)) if text]


def _phones(customer: Customer) -> list[str]:
    return [text for text in (customer.phone, *(point.value for point in customer.phones)) if text]


@dataclass(frozen=True, slots=True)
class FoundRecord:
    """One customer record of the person at one account, and why it matched."""

    account_id: str
    customer: Customer
    reasons: tuple[str, ...]
    live: bool = True              # the provider answered with it (False: only the local copy holds it)

    @property
    def key(self) -> tuple[str, str]:
        return (self.account_id, self.customer.id)


@dataclass(slots=True)
class AccountSearch:
    """What searching one account found, or why it could not be searched (and any waiver of that)."""

    account: Account
    searched: bool
    how: str                       # how it was searched, or why it could not be
    records: list[FoundRecord] = field(default_factory=list)
    waived: str | None = None      # the reason staff gave for going on without searching it

    @property
    def settled(self) -> bool:
        return self.searched or bool(self.waived)


@dataclass(slots=True)
class SearchResult:
    """Every account's search for one person."""

    person: Person
    accounts: list[AccountSearch]

    @property
    def records(self) -> list[FoundRecord]:
        return [record for account in self.accounts for record in account.records]

    @property
    def not_searched(self) -> list[AccountSearch]:
        return [account for account in self.accounts if not account.searched]

    @property
    def complete(self) -> bool:
        """Every account searched, or its not being searched waived with a reason."""
        return all(account.settled for account in self.accounts)

    def waive(self, account_id: str, reason: str) -> None:
        """Go on without an account that could not be searched; the reason is kept on the receipt."""
        if not reason.strip():
            raise ValueError("a waiver needs a reason")
        for account in self.accounts:
            if account.account.id == account_id and not account.searched:
                account.waived = reason.strip()
                return
        raise KeyError(account_id)


class Sessions(Protocol):
    """Open sessions on the accounts of a request (console/services/privacy_accounts.py)."""

    async def session(self, account: Account) -> AccountSession: ...


async def find_person(person: Person, accounts: Sequence[Account], sessions: Sessions,
                      workspace: LocalWorkspace | None = None) -> SearchResult:
    """Search every account live and the workspace copy; accounts that could not be searched say why."""
    if not person.given():
        raise ValueError("give an email, a phone or a name")
    local = await local_matches(workspace, person) if workspace is not None else {}
    # Every account at once: each keeps to its own provider's request budget.
    results = list(await asyncio.gather(*(search_account(account, person, sessions) for account in accounts)))
    for result in results:
        live = {record.customer.id for record in result.records}
        result.records += [record for record in local.get(result.account.id, []) if record.customer.id not in live]
    return SearchResult(person, results)


async def search_account(account: Account, person: Person, sessions: Sessions) -> AccountSearch:
    """One account, by its provider's lookups where it has them all, else by reading every customer."""
    try:
        session = await sessions.session(account)
        service = session.service
        given = person.given()
        if all(key in service.capabilities.server_exact for key, _ in given):
            candidates: list[Customer] = []
            for key, value in given:
                candidates += await service.lookup(key, value)
            how = f"asked {service.provider_name} for the {_and(key.value for key, _ in given)}"
        else:
            candidates = await every_customer(session)
            missing = [key.value for key, _ in given if key not in service.capabilities.server_exact]
            how = (f"read all {len(candidates):,} customers ({service.provider_name} cannot look up by "
                   f"{_and(missing)})")
    except e.ConsoleError as exc:
        return AccountSearch(account, searched=False, how=exc.message)
    found: dict[str, FoundRecord] = {}
    for customer in candidates:
        why = reasons(customer, person)
        if why and customer.id not in found:
            found[customer.id] = FoundRecord(account.id, customer, why)
    return AccountSearch(account, searched=True, how=how, records=list(found.values()))


async def every_customer(session: AccountSession) -> list[Customer]:
    """Every customer of the account as the provider lists them now, read past the service: the window's
    own session may be borrowed, and its table is not to be reloaded by a search."""
    customers: list[Customer] = []
    async for page in session.provider.iter_pages():
        if page.failures:
            raise page.failures[0]
        customers += page.customers
    return customers


async def local_matches(workspace: LocalWorkspace, person: Person) -> dict[str, list[FoundRecord]]:
    """The person's records in the workspace copy, by account id (nothing when no copy is kept)."""
    if not workspace.is_open:
        return {}

    def read(connection: Any) -> dict[str, list[FoundRecord]]:
        from console.store.customers import customer
        from console.store.privacy import candidate_rows

        found: dict[str, list[FoundRecord]] = {}
        for account_id, customer_id in candidate_rows(connection, lambda c: bool(reasons(c, person))):
            held = customer(connection, account_id, customer_id)
            if held is not None:
                found.setdefault(account_id, []).append(
                    FoundRecord(account_id, held, reasons(held, person), live=False))
        return found
    return await workspace._run(lambda: workspace._read(read))


def _and(words: Any) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
