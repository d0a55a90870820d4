"""Another console's change to a team workspace, applied to this console's view of one account (issue 22).

The notice only names ids; what they are now is read from the shared workspace, so a notice that arrives
late or twice does no harm: an id the workspace holds is put in the index as it is stored, one it does not
hold is taken out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.domain.customer import Customer
from console.domain.shared_changes import SharedChange

if TYPE_CHECKING:
    from console.services.customer_loading import LoadProgress, ProgressCallback
    from console.services.customer_service import CustomerService


async def apply_shared_change(service: CustomerService, change: SharedChange | None) -> list[Customer]:
    """Bring `service`'s index up to date with `change` (None: the whole account); the customers now held for
    the ids it names (for an open edit dialog to compare with)."""
    local = service.local
    if local is None:
        return []
    if change is None or change.ids is None:
        await _read_again(service)
        return []
    found = await local.customers_by_id(change.ids)
    gone = [customer_id for customer_id in change.ids if customer_id not in found]
    if found:
        service.index.upsert(found.values())
    if gone:
        service.index.remove(gone)
    return list(found.values())


async def load_shared_copy(service: CustomerService, on_progress: ProgressCallback | None = None) -> LoadProgress:
    """A refresh another console has just made, taken from the shared copy into the index (no provider request)."""
    from console.services.customer_loading import LoadProgress

    await _read_again(service)
    progress = LoadProgress(loaded=len(service.index), total=len(service.index), done=True)
    if on_progress is not None:
        on_progress(progress)
    return progress


async def _read_again(service: CustomerService) -> None:
    """The account's whole shared copy into the index, in batches as at start (the event loop running
    between them); then what the copy no longer holds leaves the index."""
    from console.services.customer_loading import load_local

    local = service.local
    if local is None:
        return
    before = set(service.index.ids())
    if await load_local(local, service.index) is not None:
        held = await local.customer_ids()
        gone = [customer_id for customer_id in before if customer_id not in held]
        if gone:
            service.index.remove(gone)
