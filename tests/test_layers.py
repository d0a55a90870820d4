"""The layer check (import-linter, [tool.importlinter] in pyproject.toml) fails on a wrong import.

A copy of console/ gets one new module per case, each with one import that breaks a layer rule,
and `lint-imports` runs on the copy: each case's contracts must be reported broken, naming its
module. The real tree must keep every contract.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT_LINE = re.compile(r"^(?P<name>.+) (?P<state>KEPT|BROKEN)$", re.MULTILINE)

# Contract names as pyproject.toml spells them.
DOMAIN_PURE = "console.domain imports nothing of console's other layers"
INDEPENDENT = "console.providers and console.sandbox never import each other"
NO_QT = "Only console.ui and console.app import Qt"
UI_THROUGH_SERVICES = "console.ui reaches providers, sandbox and store only through services"
LAYERS = "Imports point one way: ui -> services -> providers | sandbox | store -> domain"
STORE_BELOW_SERVICES = "console.store imports no providers, sandbox, ui or services"
CONTRACTS = (DOMAIN_PURE, INDEPENDENT, NO_QT, UI_THROUGH_SERVICES, LAYERS, STORE_BELOW_SERVICES)

# The accounts dialog still reads the provider registry itself until its issue-16 rework is merged;
# that one module is the only tolerated break of UI_THROUGH_SERVICES in the real tree.
KNOWN_UI_BREAK = "console.ui.accounts_dialog"


def _lint(root: Path) -> tuple[int, str]:
    """Run lint-imports with `root` first on the path, so `console` is the copy there."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


def _states(output: str) -> dict[str, str]:
    return {m["name"]: m["state"] for m in CONTRACT_LINE.finditer(output)}


def _broken_section(output: str, name: str) -> str:
    """The report's paragraph about one broken contract (up to the next contract's heading)."""
    start = output.index("Broken contracts")
    at = output.index(f"{name}\n", start)
    nxt = min((i for other in CONTRACTS if other != name
               and (i := output.find(f"\n{other}\n", at + 1)) != -1), default=len(output))
    return output[at:nxt]


# (package, the wrong import added to a new module there, the contracts it must break)
WRONG_IMPORTS = [
    ("domain", "import PySide6", [NO_QT]),
    ("domain", "from console.services import paths", [DOMAIN_PURE, LAYERS]),
    ("sandbox", "from console.providers import registry", [INDEPENDENT, LAYERS]),
    ("providers", "from console.sandbox import registry", [INDEPENDENT, LAYERS]),
    ("providers", "from console.services import paths", [LAYERS]),
    ("services", "import qasync", [NO_QT]),
    ("services", "from console.ui import wording", [LAYERS]),
    ("ui", "from console.providers import registry", [UI_THROUGH_SERVICES]),
    ("ui", "import console.sandbox.registry", [UI_THROUGH_SERVICES]),
    ("ui", "from console.store import tables", [UI_THROUGH_SERVICES]),
    ("store", "from console.services import paths", [STORE_BELOW_SERVICES, LAYERS]),
    ("store", "from console.providers import registry", [STORE_BELOW_SERVICES, LAYERS]),
    ("store", "from console.sandbox import registry", [STORE_BELOW_SERVICES, LAYERS]),
    ("store", "import PySide6", [NO_QT]),
    ("providers", "from console.store import tables", [LAYERS]),
]


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """lint-imports' exit code and report for a copy of console/ with every wrong import added at once."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "console", root / "console", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    for number, (package, line, _) in enumerate(WRONG_IMPORTS):
        (root / "console" / package / f"wrong_import_{number}.py").write_text(f'"""A layer break."""\n{line}\n')
    return _lint(root)


@pytest.mark.parametrize("number", range(len(WRONG_IMPORTS)),
                         ids=[f"{package}: {line}" for package, line, _ in WRONG_IMPORTS])
def test_a_wrong_import_breaks_its_contract(broken_copy: tuple[int, str], number: int) -> None:
    code, output = broken_copy
    package, _, contracts = WRONG_IMPORTS[number]
    assert code != 0, output
    states = _states(output)
    for contract in contracts:
        assert states.get(contract) == "BROKEN", output
        assert f"console.{package}.wrong_import_{number} ->" in _broken_section(output, contract), output


def test_the_real_tree_keeps_every_layer_contract() -> None:
    code, output = _lint(ROOT)
    states = _states(output)
    assert set(states) == set(CONTRACTS), output
    assert {name for name, state in states.items() if state == "BROKEN"} <= {UI_THROUGH_SERVICES}, output
    if states[UI_THROUGH_SERVICES] == "BROKEN":
        offenders = re.findall(r"^-\s+(\S+) ->", _broken_section(output, UI_THROUGH_SERVICES), re.MULTILINE)
        assert offenders, output
        assert set(offenders) == {KNOWN_UI_BREAK}, output
    else:
        assert code == 0, output
