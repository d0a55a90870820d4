"""Every emulator served by the CLI on loopback works with that provider's real client over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from console.providers.base import ProviderConfig
from console.providers.registry import provider
from console.sandbox.registry import emulator_class, emulator_keys

ROOT = Path(__file__).resolve().parents[2]


def test_every_emulator_seeds_at_least_500_demo_customers() -> None:
    for key in emulator_keys():
        assert emulator_class(key).default_customers >= 500, key


@pytest.mark.parametrize("key", emulator_keys())
def test_served_emulator_answers_its_client(key: str) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "console.sandbox", "serve", key, "--port", "0", "--customers", "7"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first, proc.stderr.read() if proc.stderr else "no output"
        info = json.loads(first)
        assert info["provider"] == key and info["base_url"].startswith("http://127.0.0.1:")
        ids = asyncio.run(_list_ids(key, info))
        assert len(ids) == len(set(ids)) == 7
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr


async def _list_ids(key: str, info: dict[str, str]) -> list[str]:
    spec = provider(key)
    credentials = {c.key: info[c.key] for c in spec.credentials if c.key in info}
    options = {o.key: info[o.key] for o in spec.options if o.key in info}
    async with httpx.AsyncClient() as http:
        client = spec.client(ProviderConfig(base_url=info["base_url"], credentials=credentials, options=options), http)
        return [c.id async for page in client.iter_pages() for c in page.customers]
