"""The Windows version resource the spec gives CustomerConsole.exe (packaging/exe_version.py)."""

from __future__ import annotations

import importlib
import struct
import sys
import types
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging"))

from exe_version import resource_summary, version_file_text, windows_version, write_version_file

PYINSTALLER_NAMES = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
                     "VarFileInfo", "VarStruct")


@pytest.mark.parametrize(("version", "numbers"), [
    ("0.1.0", (0, 1, 0, 0)),
    ("1.2", (1, 2, 0, 0)),
    ("7", (7, 0, 0, 0)),
    ("1.2.3.4.5", (1, 2, 3, 4)),
    ("2.0.0rc1", (2, 0, 0, 0)),
    ("1!3.1.post2", (3, 1, 0, 0)),
    ("0.1.0.dev3+g1234abc", (0, 1, 0, 0)),
    ("2026.12.65535", (2026, 12, 65535, 0)),
])
def test_windows_version_is_the_release_part_in_four_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert windows_version(version) == numbers


@pytest.mark.parametrize("version", ["", "v1.0", "dev", "1.65536"])
def test_windows_version_refuses_what_windows_cannot_hold(version: str) -> None:
    with pytest.raises(ValueError):
        windows_version(version)


def _evaluate(text: str) -> Any:
    """The text evaluated with recording stand-ins for PyInstaller's classes: (name, args, kwargs) trees."""
    def stand_in(name: str) -> Any:
        return lambda *args, **kwargs: (name, args, kwargs)

    return eval(text, {"__builtins__": {}}, {name: stand_in(name) for name in PYINSTALLER_NAMES})


def _strings(tree: Any) -> dict[str, str]:
    """The StringStruct pairs of an evaluated version resource."""
    _, _, kwargs = tree
    return {args[0]: args[1]
            for kid_name, (tables,), _ in kwargs["kids"] if kid_name == "StringFileInfo"
            for _, (_, structs), _ in tables
            for _, args, _ in structs}


def test_version_file_is_an_expression_of_pyinstallers_classes() -> None:
    tree = _evaluate(version_file_text("1.2.3rc1"))
    name, args, kwargs = tree
    assert name == "VSVersionInfo" and not args
    ffi_name, _, ffi = kwargs["ffi"]
    assert ffi_name == "FixedFileInfo" and ffi["filevers"] == ffi["prodvers"] == (1, 2, 3, 0)
    assert ffi["fileType"] == 0x1 and ffi["OS"] == 0x40004  # an application, for Windows NT
    (sfi_name, (tables,), _), (vfi_name, (variables,), _) = kwargs["kids"]
    ((table_name, (language, _), _),) = tables
    ((var_name, (key, pair), _),) = variables
    assert (sfi_name, vfi_name, var_name, key) == ("StringFileInfo", "VarFileInfo", "VarStruct", "Translation")
    # The string table's key is language + code page, and must agree with the Translation pair.
    assert table_name == "StringTable" and language == "040904B0" and pair == [0x0409, 0x04B0]
    strings = _strings(tree)
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.2.3rc1"
    assert strings["OriginalFilename"] == "CustomerConsole.exe" and strings["InternalName"] == "CustomerConsole"
    assert strings["ProductName"] == strings["FileDescription"] == "Customer Console"


def test_version_file_quotes_what_it_is_given() -> None:
    strings = _strings(_evaluate(version_file_text("1.0", product="O'Brien \"Console\"\\", exe_name="x.exe")))
    assert strings["ProductName"] == "O'Brien \"Console\"\\" and strings["OriginalFilename"] == "x.exe"


@pytest.fixture
def pyinstaller_versioninfo(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """PyInstaller's own versioninfo module (the packaging dependency group), on any platform.

    It imports pefile and PyInstaller.compat's win32api, both there on Windows only; its classes and
    its text-file loader use neither, so elsewhere stand-ins take their place for this test. It packs
    with native struct sizes ("13L"), which are Windows' only on Windows (LLP64: 4-byte longs); elsewhere
    its struct calls get Windows' little-endian standard sizes, so the bytes are the ones Windows gets.
    """
    pytest.importorskip("PyInstaller", reason="PyInstaller is in the packaging group: uv run --group packaging pytest")
    compat = importlib.import_module("PyInstaller.compat")
    if sys.platform != "win32":
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
        monkeypatch.setattr(compat, "win32api", None, raising=False)
    monkeypatch.delitem(sys.modules, "PyInstaller.utils.win32.versioninfo", raising=False)
    module = importlib.import_module("PyInstaller.utils.win32.versioninfo")
    if sys.platform != "win32":
        as_on_windows = types.SimpleNamespace(pack=lambda fmt, *values: struct.pack("<" + fmt, *values),
                                              unpack=lambda fmt, data: struct.unpack("<" + fmt, data))
        monkeypatch.setattr(module, "struct", as_on_windows)
    return module


def test_pyinstaller_loads_the_version_file_and_serialises_it(
        tmp_path: Path, pyinstaller_versioninfo: types.ModuleType) -> None:
    path = write_version_file(tmp_path / "build" / "version_info.txt", "2.5.1", product="Customer Console")
    info = pyinstaller_versioninfo.load_version_info_from_text_file(str(path))
    raw = info.toRaw()  # the bytes PyInstaller writes into the .exe's RT_VERSION resource
    # VS_VERSIONINFO: its length first, then after its key (padded to 4 bytes) VS_FIXEDFILEINFO's signature.
    assert struct.unpack_from("<H", raw)[0] == len(raw)
    assert raw[6:38].decode("utf-16-le") == "VS_VERSION_INFO\0" and struct.unpack_from("<L", raw, 40)[0] == 0xFEEF04BD
    parsed = pyinstaller_versioninfo.VSVersionInfo()
    parsed.fromRaw(raw)
    assert parsed.toRaw() == raw
    numbers, strings = resource_summary(parsed)
    assert numbers == (2, 5, 1, 0)
    assert strings == {
        "CompanyName": "Customer Console", "FileDescription": "Customer Console", "FileVersion": "2.5.1",
        "InternalName": "CustomerConsole", "LegalCopyright": "Customer Console",
        "OriginalFilename": "CustomerConsole.exe", "ProductName": "Customer Console", "ProductVersion": "2.5.1",
    }
