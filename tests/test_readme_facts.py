"""What the README says about the demo accounts matches the data they serve."""

from __future__ import annotations

import re
from pathlib import Path

from console.providers.registry import provider
from console.sandbox.registry import emulator_class, emulator_keys

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_demo_customer_counts_in_the_readme_are_the_emulators_defaults() -> None:
    text = README.read_text(encoding="utf-8")
    sentence = re.search(r"made-up customers \(([^)]*)\)", text)
    assert sentence is not None, "the README no longer says how many demo customers there are"
    said: dict[str, int] = {}
    for names, count in re.findall(r"([A-Z][^;()]*?) (\d[\d,]*)(?: each)?(?:;|$)", sentence.group(1)):
        for name in re.split(r", | and ", names):
            said[name.strip()] = int(count.replace(",", ""))
    actual = {provider(key).display_name: emulator_class(key).default_customers for key in emulator_keys()}
    assert said == actual
