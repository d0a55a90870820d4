"""Authorize.net's incremental refresh: the profile ids compared with the workspace's.

CIM has no "changed since" query and no profile carries a created or updated time
(shared/api/wave2-facts.md §1). `getCustomerProfileIdsRequest` returns every id in one call, so
a refresh costs that call plus one `getCustomerProfileRequest` per new id: new profiles are
found, and deleted ones (known ids no longer listed). An edit of a profile the workspace already
holds is not seen; only a full refresh (one read per profile) brings edits in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection

from console.domain import errors as e
from console.domain.customer import Customer
from console.providers.changes import ChangePage

# Profiles handed over per page (each page is one transaction in the workspace).
_PER_PAGE = 100


class AuthorizeNetChanges:
    """`changes_since` for `AuthorizeNetProvider` (mixed in; it supplies the calls used here)."""

    concurrency: int
    changes_include_edits = False

    async def profile_ids(self) -> list[str]:
        raise NotImplementedError

    async def _profile_for_listing(self, profile_id: str) -> Customer:
        raise NotImplementedError

    async def changes_since(self, cursor: str | None, known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
        ids = await self.profile_ids()
        known = set(known_ids)
        new = [i for i in ids if i not in known]
        gate = asyncio.Semaphore(self.concurrency)

        async def fetch(profile_id: str) -> Customer | e.ConsoleError | None:
            async with gate:
                try:
                    return await self._profile_for_listing(profile_id)
                except e.NotFoundError:
                    return None   # deleted since the ids were listed
                except e.ConsoleError as error:
                    return e.ConsoleError(f"Profile {profile_id} could not be read: {error.message}",
                                          provider=error.provider, code=error.code)

        failures: list[e.ConsoleError] = []
        for start in range(0, len(new), _PER_PAGE):
            fetched = await asyncio.gather(*(fetch(i) for i in new[start:start + _PER_PAGE]))
            failures += [r for r in fetched if isinstance(r, e.ConsoleError)]
            changed = [r for r in fetched if isinstance(r, Customer)]
            if changed:
                yield ChangePage(changed=changed)
        # A profile that could not be read stays new to the workspace, so the next refresh asks again.
        yield ChangePage(deleted=sorted(known - set(ids)), failures=failures, complete=True)
