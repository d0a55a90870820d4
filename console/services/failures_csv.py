"""A job's failed rows as a CSV to fix and import again: the planned values under the same headers an
export writes (console/domain/customer_columns.py, so the import maps them back without a mapping),
the customer id an update was for, and why each row failed."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from console.domain.customer_columns import CORE_COLUMNS, CUSTOMER_ID, ERROR, header_for
from console.domain.jobs import JobOp
from console.providers.registry import provider
from console.services.atomic_file import replacing
from console.services.spreadsheet_cells import cell_text, safe_cell

_CORE_ORDER = {key: n for n, (key, _) in enumerate(CORE_COLUMNS)}


def failure_keys(ops: Sequence[JobOp]) -> list[str]:
    """The field keys the failed rows set or clear: core fields in their reading order, then the rest as met."""
    seen: dict[str, None] = {}
    for op in ops:
        seen.update(dict.fromkeys(op.planned.values))
        seen.update(dict.fromkeys(op.planned.cleared))
    met = list(seen)
    return sorted(met, key=lambda key: (_CORE_ORDER.get(key, len(_CORE_ORDER)), met.index(key)))


def failure_rows(ops: Sequence[JobOp], provider_key: str | None = None) -> list[list[str]]:
    """The header and one row per failed operation (a cleared field is an empty cell); a provider's own
    fields are headed by their labels at `provider_key`, as an export heads them."""
    keys = failure_keys(ops)
    labels = _labels(provider_key)
    rows = [[CUSTOMER_ID, *(header_for(key, labels.get(key)) for key in keys), ERROR]]
    for op in ops:
        values = op.planned.values
        rows.append([op.planned.customer_id or "", *(cell_text(values.get(key)) for key in keys), op.error or ""])
    return [[safe_cell(cell) for cell in row] for row in rows]


def _labels(provider_key: str | None) -> dict[str, str]:
    try:
        return {spec.key: spec.label for spec in provider(provider_key).capabilities.fields} if provider_key else {}
    except KeyError:   # a provider this version no longer has: the keys head its columns
        return {}


def write_failures(ops: Sequence[JobOp], path: Path, provider_key: str | None = None) -> int:
    """Write the failed rows to `path` (UTF-8 with a BOM, for spreadsheets); how many. Blocking: run it on a
    worker thread. A failure leaves no file behind."""
    rows = failure_rows(ops, provider_key)
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1
