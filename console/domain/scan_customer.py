"""What a duplicate scan reads of a customer kept in the workspace, without building the customer.

A warm start holds customers as their stored documents (stored_rows.py); a scan of 500,000 of them
decoded each into a `Customer` first (2 s of CPU per 100,000, 1.2 KB each, kept while the window
was open). `ScanCustomer` holds only the fields the scan's keys are made of, read straight from the
document (store/documents.py `scan_view`: a third of the time, a third of the memory). It is never
shown, saved or merged: those read the customer itself from the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.customer import Customer


@dataclass(frozen=True, slots=True)
class ScanAddress:
    """The parts of an address a scan reads."""

    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ScanPoint:
    """One of a customer's listed emails or phones (Clover's)."""

    value: str


@dataclass(frozen=True, slots=True)
class ScanCustomer:
    """The fields of a kept customer a duplicate scan reads, named as `Customer` names them."""

    id: str
    given_name: str | None = None
    family_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address: ScanAddress | None = None
    emails: tuple[ScanPoint, ...] = ()
    phones: tuple[ScanPoint, ...] = ()
    reference_id: str | None = None

    @property
    def full_name(self) -> str:
        # Customer's own rule, which reads only these two fields.
        return Customer.full_name.fget(self)  # type: ignore[attr-defined]


Scanned = Customer | ScanCustomer   # what a duplicate scan takes: a customer, or a kept one's scan fields
