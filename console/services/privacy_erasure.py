"""Erasing a person everywhere (issue 21): a preview per record of what happens at its provider and what
the API cannot erase, then the deletes run as one job per account through the job engine (so each is
confirmed, journaled and resumable like any job's write), then the local copies and journal values.

Digital River is first told the person asked to be forgotten (its `requestToBeForgotten`, reached as
the provider's *forget* action), then the customer is deleted. A run that ends with something left
(a provider down, a read-only account, a production account not confirmed) leaves the request
*incomplete*; running it again does only what is left: a delete done is never sent again, and one
whose answer was lost finds the customer gone and counts as done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from console.domain.capabilities import ActionSpec, Capabilities
from console.domain.jobs import OpKind, OpState, PlannedOp
from console.services.accounts import Account
from console.services.context import AppContext
from console.services.jobs import JobRunner, JobStore
from console.services.privacy_local import remove_local
from console.services.privacy_requests import (
    DONE,
    FAILED,
    LOCAL,
    REFUSED,
    Action,
    PrivacyRequest,
    PrivacyRequests,
    Ticked,
)
from console.services.privacy_search import Sessions

Progress = Callable[[str], None]


def forget_action(capabilities: Capabilities) -> ActionSpec | None:
    """The provider's action recording a request to be forgotten, where it has one (Digital River)."""
    return next((a for a in capabilities.actions if a.values.get("request_to_be_forgotten") is True), None)


@dataclass(frozen=True, slots=True)
class RecordPreview:
    """What erasing one record will do at its provider, and what it cannot do."""

    record: Ticked
    steps: tuple[str, ...]
    cannot: tuple[str, ...]
    refused: str | None = None     # why nothing will be sent for it


def preview(request: PrivacyRequest, accounts: Sequence[Account]) -> list[RecordPreview]:
    """Per record: the steps at its provider, what stays there, or why it will be refused."""
    named = {account.id: account for account in accounts}
    previews = []
    for record in request.records:
        account = named.get(record.account_id)
        cannot = (f"Payments, orders and transactions stay at {record.provider}: its customer API cannot "
                  "erase them; ask the provider for those.",)
        if account is None:
            previews.append(RecordPreview(record, (), cannot, "the account is no longer configured"))
            continue
        if account.read_only:
            previews.append(RecordPreview(record, (), cannot, "the account is read-only: nothing can be erased "
                                                              "there from Customer Console"))
            continue
        capabilities = account.info.capabilities
        steps = []
        if forget_action(capabilities) is not None and record.live:
            steps.append(f"record the request to be forgotten ({record.provider} then erases the person's data "
                         "in its other records after its retention period)")
        with_it = " and ".join(c.label.lower() for c in capabilities.collections)
        steps.append("delete the customer" + (f", with its {with_it}" if with_it else ""))
        previews.append(RecordPreview(record, tuple(steps), cannot))
    return previews


def production_accounts(request: PrivacyRequest, accounts: Sequence[Account]) -> list[Account]:
    """The production accounts the erasure would change: each must be confirmed first."""
    ids = {record.account_id for record in request.records if not request.erased(record)}
    return [account for account in accounts if account.id in ids and account.environment == "production"]


def _forgets(request: PrivacyRequest, records: Sequence[Ticked]) -> list[PlannedOp]:
    return [PlannedOp(OpKind.UPDATE, r.customer_id, {"request_to_be_forgotten": True},
                      label=f"{r.provider} {r.customer_id}")
            for r in records if r.live and not request.done("forget", r.key)]


async def erase(context: AppContext, request: PrivacyRequest, accounts: Sequence[Account], sessions: Sessions,
                store: PrivacyRequests, on_progress: Progress | None = None) -> PrivacyRequest:
    """Erase what is left of the request at the providers and here; the request as it ends (saved)."""
    tell = on_progress or (lambda _text: None)
    named = {account.id: account for account in accounts}
    left = [record for record in request.records if not request.erased(record)]
    by_account: dict[str, list[Ticked]] = {}
    for record in left:
        by_account.setdefault(record.account_id, []).append(record)
    for account_id, records in by_account.items():
        account = named.get(account_id)
        why = _refusal(context, account)
        if why is not None or account is None:
            request.actions += [Action("delete", REFUSED, r.account_id, r.customer_id, why or "") for r in records]
            continue
        tell(f"Erasing {len(records)} record(s) at {account.name}…")
        request.actions += await _erase_at(context, request, account, records, sessions)
        await store.save(request)
    erased = [record for record in request.records if request.erased(record)]
    fresh = [record for record in erased if not request.done(LOCAL, record.key)]
    if fresh:
        tell("Removing the local copies and redacting the journal…")
        actions = await remove_local(context, request, fresh)
        request.actions += actions
        if all(action.outcome == DONE for action in actions):
            request.actions += [Action(LOCAL, DONE, r.account_id, r.customer_id) for r in fresh]
    if all(request.done(LOCAL, record.key) for record in request.records):
        await store.hash_person(request)
        request.hash_identifiers()
    await store.save(request)
    tell(f"Erasure {request.state}.")
    return request


def _refusal(context: AppContext, account: Account | None) -> str | None:
    if account is None:
        return "the account is no longer configured"
    if account.read_only:
        return "the account is read-only: nothing was sent"
    if account.environment == "production" and not context.confirmations.is_confirmed(account.id):
        return "the production account was not confirmed for changes: nothing was sent"
    return None


async def _erase_at(context: AppContext, request: PrivacyRequest, account: Account, records: Sequence[Ticked],
                    sessions: Sessions) -> list[Action]:
    """One job at `account`: the forget updates, then the deletes; an action per operation as it ended."""
    try:
        session = await sessions.session(account)
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        return [Action("delete", FAILED, r.account_id, r.customer_id, message) for r in records]
    jobs = JobStore(context.workspace, context.journal.author.who)
    actions: list[Action] = []

    async def run(title: str, planned: list[PlannedOp]) -> None:
        job_id = await jobs.create(f"Privacy erasure {request.id[:8]}: {title}", account.id, account.info.key,
                                   planned)
        await JobRunner(jobs, session.service).run(job_id)
        for op in await jobs.operations(job_id):
            state = DONE if op.state is OpState.DONE else FAILED
            actions.append(Action(title, state, account.id, op.planned.customer_id or "", op.error or ""))

    # Where the provider records a request to be forgotten, that goes first; a record is deleted only
    # once it is recorded, so a resumed erasure never deletes one whose request was not recorded.
    if forget_action(session.service.capabilities) is not None:
        forgets = _forgets(request, records)
        if forgets:
            await run("forget", forgets)
        recorded = {a.customer_id for a in actions if a.outcome == DONE}
        records = [r for r in records if not r.live or r.customer_id in recorded or request.done("forget", r.key)]
    if records:
        await run("delete", [PlannedOp(OpKind.DELETE, r.customer_id, label=f"{r.provider} {r.customer_id}")
                             for r in records])
    return actions
