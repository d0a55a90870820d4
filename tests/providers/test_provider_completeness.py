"""A registered provider is complete: the package template, a conformance case, an emulator, a wire
test, and an emulator whose connection_info fills exactly the account fields the provider asks for.

docs/adding-a-provider.md walks through the same list; this is its check.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from console.providers.registry import PROVIDER_MODULES, ProviderInfo, provider, providers
from console.sandbox.registry import emulator_class, emulator_keys
from tests.providers.test_conformance import CASES

HERE = Path(__file__).resolve().parent
PACKAGE_FILES = ("__init__.py", "capabilities.py", "wire.py", "mapping.py", "client.py")
KEYS = [info.key for info in providers()]


def wire_test(key: str) -> Path:
    return HERE / f"test_{key.replace('-', '_')}_wire.py"


def missing_parts(key: str) -> list[str]:
    """What a provider registered as `key` still lacks, as the doc names it."""
    missing = []
    if key not in CASES:
        missing.append("a conformance case (tests/providers/test_conformance.py CASES)")
    if key not in emulator_keys():
        missing.append("an emulator (console/sandbox/registry.py EMULATORS)")
    if not wire_test(key).is_file():
        missing.append(f"a wire test ({wire_test(key).relative_to(HERE.parents[1])})")
    return missing


def test_the_check_names_everything_an_unknown_provider_lacks() -> None:
    assert missing_parts("acme-pay") == [
        "a conformance case (tests/providers/test_conformance.py CASES)",
        "an emulator (console/sandbox/registry.py EMULATORS)",
        "a wire test (tests/providers/test_acme_pay_wire.py)"]


@pytest.mark.parametrize("key", KEYS)
def test_registered_provider_is_complete(key: str) -> None:
    assert missing_parts(key) == [], f"{key} lacks {', '.join(missing_parts(key))}"


@pytest.mark.parametrize("module_name", PROVIDER_MODULES)
def test_each_provider_is_a_package_of_the_template(module_name: str) -> None:
    package = importlib.import_module(module_name)
    folder = Path(package.__file__ or "").parent
    assert [name for name in PACKAGE_FILES if not (folder / name).is_file()] == []
    capabilities = importlib.import_module(f"{module_name}.capabilities")
    info: ProviderInfo = package.INFO
    # The key is written once, in capabilities.py, and everything else reads it from there.
    assert info.key == capabilities.KEY == info.capabilities.provider
    assert info.capabilities is capabilities.CAPABILITIES
    assert info.client.__module__ == f"{module_name}.client"


@pytest.mark.parametrize("key", [k for k in KEYS if k in emulator_keys()])
def test_emulator_connection_info_fills_the_account_fields(key: str) -> None:
    # Demo mode and `python -m console.sandbox serve` hand these keys to the account as its
    # credentials and options (services/accounts.py open_session), so a key the provider does not
    # ask for is lost, and a field the emulator does not fill is missing.
    info = provider(key)
    emulator = emulator_class(key)(seed=3, customers=0)
    printed = emulator.connection_info("http://127.0.0.1:1")
    assert printed["provider"] == key and printed["base_url"].startswith("http://127.0.0.1:1")
    fields = {c.key for c in info.credentials} | {o.key for o in info.options}
    needed = {c.key for c in info.credentials} | {o.key for o in info.options if o.required or o.default is None}
    given = set(printed) - {"provider", "base_url"}
    assert given <= fields, f"{key}'s emulator prints fields the provider does not have: {sorted(given - fields)}"
    assert needed <= given, f"{key}'s emulator does not print {sorted(needed - given)}"
    assert all(isinstance(printed[k], str) and printed[k] for k in given)


def test_the_doc_names_what_this_check_requires() -> None:
    doc = (HERE.parents[1] / "docs" / "adding-a-provider.md").read_text(encoding="utf-8")
    named = [*(f"`{name}`" for name in PACKAGE_FILES), "console/providers/registry.py", "PROVIDER_MODULES",
             "console/sandbox/registry.py", "EMULATORS", "tests/providers/test_conformance.py", "`CASES`",
             "tests/providers/test_acme_pay_wire.py", "connection_info", "CollectionKind"]
    assert [text for text in named if text not in doc] == []


def test_the_registry_reads_every_provider_without_importing_a_client() -> None:
    # The account list needs every provider's INFO at start-up; the clients' wire models wait until an
    # account of theirs is opened (registry.py).
    code = ("import sys\nfrom console.providers.registry import providers\nproviders()\n"
            "print(sorted(m for m in sys.modules if m.startswith('console.providers.') "
            "and m.rpartition('.')[2] in ('client', 'mapping', 'wire')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=HERE.parents[1], timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("key", KEYS)
def test_a_provider_package_gives_its_client_when_asked(key: str) -> None:
    info = provider(key)
    package = importlib.import_module(info.client.__module__.rpartition(".")[0])
    assert getattr(package, info.client.__name__) is info.client
    assert callable(package.customer_from_wire)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        package.NoSuchThing  # noqa: B018
