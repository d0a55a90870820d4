"""Every test checks something: an assert, pytest.raises, or a helper of ours that asserts.

A test without one passes whatever the code does. The scan reads the test files' syntax only.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Checks made by tools rather than by our helpers.
CHECKING_CALLS = {"pytest.fail", "qtmodeltester.check"}
CHECKING_CONTEXTS = ("pytest.raises", "pytest.warns")

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _called(node: ast.AST) -> set[str]:
    """The names each call inside `node` calls: `f` and `x.f` both give 'f' (helpers are named plainly)."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            text = ast.unparse(call.func)
            names.add(text)
            names.add(text.rpartition(".")[2])
    return names


def _checks_directly(function: Function) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.With | ast.AsyncWith) and any(
                ast.unparse(item.context_expr).startswith(CHECKING_CONTEXTS) for item in node.items):
            return True
    return bool(_called(function) & CHECKING_CALLS)


def _functions() -> dict[Path, list[Function]]:
    found: dict[Path, list[Function]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[path] = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return found


def unchecked_tests() -> list[str]:
    """'file:line name' of every test function that checks nothing, directly or through a helper."""
    functions = _functions()
    helpers = [f for fs in functions.values() for f in fs if not f.name.startswith("test_")]
    checking = {f.name for f in helpers if _checks_directly(f)}
    while True:  # a helper that calls a checking helper checks too
        more = {f.name for f in helpers if f.name not in checking and _called(f) & checking}
        if not more:
            break
        checking |= more
    return [f"{path.relative_to(TESTS)}:{f.lineno} {f.name}"
            for path, fs in functions.items() if path.name.startswith("test_")
            for f in fs if f.name.startswith("test_") and not _checks_directly(f) and not _called(f) & checking]


def test_every_test_checks_something() -> None:
    assert unchecked_tests() == []


def test_the_scan_finds_a_test_that_checks_nothing() -> None:
    tree = ast.parse("def helper(x):\n    assert x\n\ndef test_a():\n    helper(1)\n\ndef test_b():\n    print(2)\n")
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [_checks_directly(f) for f in functions] == [True, False, False]
    assert "helper" in _called(functions[1]) and "helper" not in _called(functions[2])
