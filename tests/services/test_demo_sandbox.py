"""The demo's emulators: their records are out of the collector's sight once made, and Square's listing
order is ready before the first request (both ran on the demo window's event loop: P6)."""

from __future__ import annotations

import gc
from pathlib import Path

from console.services.demo import DemoSandbox


def test_an_emulators_records_are_out_of_the_collectors_sight(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path, latency_ms=0, customers={"square": 50})
    emulator = demo.emulator("square")
    records = {id(record) for record in emulator._customers.values()}  # type: ignore[attr-defined]
    assert len(records) == 50
    # A full pass walks what gc.get_objects() lists; frozen objects are not among them.
    assert records.isdisjoint(map(id, gc.get_objects()))
    assert demo.emulator("square") is emulator


def test_squares_listing_order_is_made_with_its_records(tmp_path: Path) -> None:
    emulator = DemoSandbox(tmp_path, latency_ms=0, customers={"square": 50}).emulator("square")
    assert len(emulator._indexes["DEFAULT"].entries) == 50  # type: ignore[attr-defined]
