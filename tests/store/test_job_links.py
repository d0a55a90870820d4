"""A job's planned operations keep a copy's link to its source and what stays behind; operations
written before those existed (the JSON has neither) read back with none, so no migration is needed."""

from __future__ import annotations

import json

import sqlalchemy as sa

from console.domain.jobs import OpKind, PlannedOp, source_link, split_source
from console.store import jobs
from console.store.engine import Workspace
from console.store.tables import job_operations

from .conftest import at


def test_a_copy_operation_reads_back_with_its_source_and_what_stays_behind(workspace: Workspace) -> None:
    planned = PlannedOp(OpKind.CREATE, values={"email": "ada@example.com", "metadata": {"tier": "Gold"}},
                        label="Ada", source=source_link("demo:payarc", "cus/1"),
                        left_behind=("1 card: Cards are never copied.",))
    with workspace.write() as connection:
        job_id = jobs.create_job(connection, title="Copy", account_id="demo:square", provider="square",
                                 created_by="ada", planned=[planned], at=at(0))
        # As a version before copies wrote it: no source, no left_behind.
        old = {"kind": "update", "customer_id": "C9", "values": {"company": "X"}, "cleared": [], "label": ""}
        connection.execute(sa.insert(job_operations).values(job_id=job_id, seq=1, planned=json.dumps(old),
                                                            idempotency_key="k", state="pending"))
    with workspace.read() as connection:
        first, second = jobs.operations(connection, job_id)
    assert first.planned == planned and split_source(first.planned.source or "") == ("demo:payarc", "cus/1")
    assert (second.planned.source, second.planned.left_behind) == (None, ())
