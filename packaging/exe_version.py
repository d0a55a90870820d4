"""The Windows version resource of CustomerConsole.exe, made from the package metadata at build time.

PyInstaller's `EXE(version=...)` takes a `VSVersionInfo` object or the path of a text file holding one
in Python notation, which `PyInstaller.utils.win32.versioninfo.load_version_info_from_text_file`
evaluates with that module's classes in scope (PyInstaller 6.22). The spec writes the text built here
into its work folder on Windows builds only: PyInstaller embeds version resources only there, and its
`versioninfo` module imports `pefile`, which PyInstaller installs on Windows alone. The same four numbers
go into the installer's `VIProductVersion`/`VIFileVersion` (packaging/build.py passes them to makensis).

Nothing here imports PyInstaller, so tests/test_packaging.py checks it on any platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PRODUCT = "Customer Console"
COMPANY = "Customer Console"  # the installer's PUBLISHER (packaging/windows/installer.nsi)
EXE_NAME = "CustomerConsole.exe"
# US English strings in UTF-16 (code page 1200): the StringTable key and the Translation pair must agree.
LANGUAGE, CODEPAGE = 0x0409, 0x04B0

_RELEASE = re.compile(r"(?:\d+!)?(\d+(?:\.\d+)*)")  # PEP 440: optional epoch, then the release numbers


def windows_version(version: str) -> tuple[int, int, int, int]:
    """The four 16-bit numbers Windows shows for a PEP 440 version: its release part, padded or cut to four.

    "0.1.0" -> (0, 1, 0, 0); "2.0rc1" -> (2, 0, 0, 0); pre-release, post-release and local parts are
    left out here and kept in the version strings.
    """
    match = _RELEASE.match(version.strip())
    if match is None:
        raise ValueError(f"{version!r} does not start with a release number")
    numbers = [int(part) for part in match.group(1).split(".")][:4]
    numbers += [0] * (4 - len(numbers))
    if any(number > 0xFFFF for number in numbers):
        raise ValueError(f"{version!r}: Windows version numbers are 16-bit (0-65535)")
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_file_text(version: str, *, product: str = PRODUCT, company: str = COMPANY,
                      exe_name: str = EXE_NAME) -> str:
    """The version resource for `version` in the notation PyInstaller's `version=` file takes."""
    numbers = windows_version(version)
    strings = {
        "CompanyName": company,
        "FileDescription": product,  # what Task Manager and the file's Properties show as its name
        "FileVersion": version,
        "InternalName": Path(exe_name).stem,
        "LegalCopyright": company,
        "OriginalFilename": exe_name,
        "ProductName": product,
        "ProductVersion": version,
    }
    structs = ",\n          ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings.items())
    return f"""# UTF-8
# Windows version resource for {exe_name}, written by packaging/exe_version.py.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '{LANGUAGE:04X}{CODEPAGE:04X}',
        [
          {structs},
        ],
      ),
    ]),
    VarFileInfo([VarStruct('Translation', [{LANGUAGE}, {CODEPAGE}])]),
  ],
)
"""


def write_version_file(path: Path, version: str, **details: str) -> Path:
    """Write `version_file_text(version, **details)` to `path` (folders made as needed); returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(version_file_text(version, **details), encoding="utf-8")
    return path


def resource_summary(info: Any) -> tuple[tuple[int, int, int, int], dict[str, str]]:
    """The fixed file version and the strings of a parsed PyInstaller `VSVersionInfo`.

    For checking what ended up in an executable (packaging/build.py on Windows) or in a serialised
    resource (the tests); duck-typed, so this module still needs no PyInstaller.
    """
    ffi = info.ffi
    numbers = (ffi.fileVersionMS >> 16, ffi.fileVersionMS & 0xFFFF, ffi.fileVersionLS >> 16, ffi.fileVersionLS & 0xFFFF)
    strings: dict[str, str] = {}
    for kid in info.kids:
        tables: Iterable[Any] = kid.kids if type(kid).__name__ == "StringFileInfo" else ()
        for table in tables:
            strings.update((struct.name, struct.val) for struct in table.kids)
    return numbers, strings
