"""The demo's emulators: their records are out of the collector's sight once made, seeded or read back,
and Square's listing order is ready before the first request (both ran on the demo window's loop: P6)."""

from __future__ import annotations

import gc
from pathlib import Path

from console.services.demo import DemoSandbox


def _untracked(records: object) -> bool:
    ids = {id(record) for record in records.values()}  # type: ignore[attr-defined]
    # A full pass walks what gc.get_objects() lists; frozen objects are not among them.
    return bool(ids) and ids.isdisjoint(map(id, gc.get_objects()))


def test_an_emulators_records_are_out_of_the_collectors_sight(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path, latency_ms=0, customers={"square": 50})
    emulator = demo.emulator("square")
    assert len(emulator._customers) == 50  # type: ignore[attr-defined]
    assert _untracked(emulator._customers)  # type: ignore[attr-defined]
    emulator.reset()   # saved to the demo's file
    emulator.flush(10)
    again = DemoSandbox(tmp_path, latency_ms=0, customers={"square": 50}).emulator("square")
    assert again._customers.keys() == emulator._customers.keys()  # type: ignore[attr-defined]
    assert _untracked(again._customers)  # type: ignore[attr-defined]


def test_squares_listing_order_is_made_with_its_records(tmp_path: Path) -> None:
    emulator = DemoSandbox(tmp_path, latency_ms=0, customers={"square": 50}).emulator("square")
    assert len(emulator._indexes["DEFAULT"].entries) == 50  # type: ignore[attr-defined]
