"""Runs one job in a process of its own, for tests/services/test_jobs_kill.py to kill.

Reads one JSON line on stdin (workspace path, provider, emulator connection, job id), runs the job
against the emulator served on loopback, and prints the job's counts as one JSON line after each
group of operations has been written, so the test can kill it at a known point.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx

from console.providers.base import ProviderConfig
from console.providers.registry import provider
from console.services.customer_service import CustomerService
from console.services.jobs import JobRunner, JobStore
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace


def open_service(key: str, connection: dict[str, str], http: httpx.AsyncClient, workspace: LocalWorkspace,
                 who: str) -> CustomerService:
    """The account's service on the served emulator, journaled and kept in the workspace (as in the app)."""
    credentials = {k: str(v) for k, v in connection.items() if k != "base_url"}
    client = provider(key).client(ProviderConfig(base_url=connection["base_url"], credentials=credentials), http)
    account = f"served:{key}"
    service = CustomerService(client, account_id=account, local=workspace.for_account(account, key))
    service.journal = Journal(workspace, Author(who, "box")).for_account(account, "Served", key)
    return service


async def main() -> None:
    task = json.loads(sys.stdin.readline())
    workspace = LocalWorkspace(Path(task["workspace"]), MemorySecrets(warning="none"))
    workspace.start()
    assert await workspace.ready()
    async with httpx.AsyncClient(timeout=30) as http:
        service = open_service(task["provider"], task["connection"], http, workspace, "child")
        runner = JobRunner(JobStore(workspace, "child"), service,
                           on_progress=lambda job: print(json.dumps(job.counts), flush=True))
        await runner.run(task["job_id"])
    print("finished", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
