"""Kill and resume: a job runs in a real child process against an emulator served on loopback, is
killed (SIGKILL) with groups of operations out, and is resumed here; the emulator then holds each
new customer exactly once, at Square (idempotency keys) and at Clover (the lost-create read-back)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.domain.jobs import JobState, OpKind, OpState, PlannedOp
from console.services.jobs import JobRunner, JobStore
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace
from tests.services.job_child import open_service

ROOT = Path(__file__).resolve().parents[2]
# (rows, done before the kill, the emulator's answer time in ms): Square sends 100 a call, two calls
# out and four groups on their way; Clover one request a row, 5 at once, in groups of 10, two on
# their way. The rows are enough that a group is marked sending after the first is done; the child
# is killed then, with that group's requests (and others) out.
SIZES = {"square": (600, 100, 300), "clover": (40, 10, 200)}


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The emulator in its own process on loopback, answering late (so requests are out when the child
    is killed, and have landed there: the emulator applies a request as it arrives)."""
    key = request.param
    server = subprocess.Popen([sys.executable, "-m", "console.sandbox", "serve", key, "--port", "0", "--customers",
                               "3", "--latency-ms", str(SIZES[key][2])], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    connection = json.loads(server.stdout.readline())
    yield {"provider": key, **connection}
    server.terminate()
    server.wait(timeout=30)


async def _workspace(path: Path) -> LocalWorkspace:
    workspace = LocalWorkspace(path, MemorySecrets(warning="none"))   # its key in a file the child reads too
    workspace.start()
    assert await workspace.ready()
    return workspace


@pytest.mark.parametrize("served", ["square", "clover"], indirect=True)
async def test_a_job_killed_with_requests_out_resumes_without_duplicates(served: dict[str, str],
                                                                         tmp_path: Path) -> None:
    key = served.pop("provider")
    rows, kill_after, _latency = SIZES[key]
    database = tmp_path / "workspace.db"
    workspace = await _workspace(database)
    store = JobStore(workspace, "ada")
    planned = [PlannedOp(OpKind.CREATE, values={"given_name": f"Kill{n}", "email": f"kill{n}@example.com"})
               for n in range(rows)]
    job_id = await store.create("Import", f"served:{key}", key, planned)
    await workspace.close()

    _run_and_kill(database, key, served, job_id, kill_after)

    workspace = await _workspace(database)
    store = JobStore(workspace, "ada")
    left = await store.operations(job_id, [OpState.SENDING])
    assert left, "the kill left no operation with its request out"
    async with httpx.AsyncClient(timeout=30) as http:
        service = open_service(key, served, http, workspace, "ada")
        job = await JobRunner(store, service).run(job_id)
        assert job.state is JobState.FINISHED and job.counts == {"done": rows}
        everyone = [c async for page in service.provider.iter_pages() for c in page.customers]
    await workspace.close()
    made = sorted(c.email for c in everyone if c.email and c.email.startswith("kill"))
    assert made == sorted(f"kill{n}@example.com" for n in range(rows))   # every one, each once


def _run_and_kill(database: Path, key: str, connection: dict[str, str], job_id: str, kill_after: int) -> None:
    """The job in a child process, killed once `kill_after` operations are done and a group has just
    been marked sending (its requests out for the emulator's answer time)."""
    child = subprocess.Popen([sys.executable, "-m", "tests.services.job_child"], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps({"workspace": str(database), "provider": key, "connection": connection,
                                  "job_id": job_id}) + "\n")
    child.stdin.flush()
    out = 0
    for line in child.stdout:   # each line is written once a group is marked sending, and once it is done
        assert line != "finished\n", "the job finished before it could be killed"
        counts = json.loads(line)
        if counts.get("done", 0) >= kill_after and counts.get("sending", 0) > out:
            break
        out = counts.get("sending", 0)
    child.kill()
    child.wait(timeout=30)
