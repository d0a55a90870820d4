"""Build the one-folder program for this platform, smoke-start it, and compile the Windows installer.

    uv run --group packaging python packaging/build.py            # Linux, Windows or macOS
    uv run --group packaging python packaging/build.py --no-nsis  # skip the installer step

Steps: icons from resources/ (packaging/make_icons.py); PyInstaller with
packaging/customer-console.spec into dist/; a look at what the build holds (certifi's CA bundle,
`resources/`, no Tk or other Qt binding; on Windows the .exe's version resource); the built program
started offscreen with `--screenshot` and a fresh `--config-dir`, which must exit 0 having painted
the demo account and written nothing to stderr; then `makensis` on packaging/windows/installer.nsi.
On Linux the Linux build is the installer's stand-in payload, so a broken installer script fails
here, not on release day.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "customer-console.spec"
NSIS_SCRIPT = PACKAGING / "windows" / "installer.nsi"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
SMOKE_TIMEOUT_S = 120
sys.path.insert(0, str(PACKAGING))  # make_icons, exe_version (a folder, not a package: `packaging` is a PyPI name)
# stderr lines the smoke start may print without failing (regular expressions); anything else fails
# it. None are known: the app sends Qt's messages and its own to the log file.
ALLOWED_STDERR: tuple[str, ...] = ()
# Paths (relative, "/"-separated) a build must hold, and path parts it must not: other Qt bindings
# and Tk are excluded in the spec, and would show up as these folders or extension modules.
REQUIRED_FILES = ("certifi/cacert.pem", "resources/icons/customer-console.svg",
                  # Alembic loads the workspace migrations from files, not from the frozen archive.
                  "console/store/migrations/env.py", "console/store/migrations/versions/0001_accounts_and_customers.py")
FORBIDDEN_PARTS = re.compile(r"^(PyQt5|PyQt6|PySide2|tkinter|_tkinter\..*|_tcl_data|_tk_data|(lib)?(tcl|tk)\d.*)$")


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


def built_program() -> Path:
    """The executable PyInstaller produced for this platform."""
    if sys.platform == "darwin":
        return DIST / "Customer Console.app" / "Contents" / "MacOS" / "CustomerConsole"
    if sys.platform == "win32":
        return DIST / "CustomerConsole" / "CustomerConsole.exe"
    return DIST / "CustomerConsole" / "customer-console"


def bundle_root() -> Path:
    """The folder holding everything PyInstaller built for this platform."""
    if sys.platform == "darwin":
        return DIST / "Customer Console.app"
    return DIST / "CustomerConsole"


def make_icons() -> Path:
    from make_icons import make_icons as render

    out = BUILD / "icons"
    render(out)
    return out


def pyinstaller(icons: Path) -> Path:
    env = {**os.environ, "CC_ICON_DIR": str(icons)}
    subprocess.run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
                    "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), "--log-level", "WARN"],
                   cwd=ROOT, env=env, check=True)
    program = built_program()
    if not program.exists():
        raise SystemExit(f"PyInstaller finished but {program} is missing")
    return program


def check_contents(root: Path) -> None:
    """The build holds certifi's CA bundle and resources/, and no Tk or other Qt binding."""
    files = [path.relative_to(root).as_posix() for path in root.rglob("*")]
    missing = [need for need in REQUIRED_FILES if not any(f == need or f.endswith("/" + need) for f in files)]
    unwanted = sorted({f for f in files if any(FORBIDDEN_PARTS.match(part) for part in f.split("/"))})
    if missing or unwanted:
        raise SystemExit(f"the build in {root} is incomplete or holds excluded modules:\n"
                         f"  missing: {missing}\n  unwanted: {unwanted[:20]}")
    print(f"    {len(files)} files; {', '.join(REQUIRED_FILES)} present; no Tk or other Qt binding")


def check_version_resource(program: Path) -> None:
    """Windows: the .exe carries the version resource the spec made from the package metadata."""
    from exe_version import resource_summary, windows_version
    from PyInstaller.utils.win32.versioninfo import read_version_info_from_executable

    app_version = version("customer-console")
    info = read_version_info_from_executable(str(program))
    if info is None:
        raise SystemExit(f"{program.name} has no version resource")
    numbers, strings = resource_summary(info)
    if numbers != windows_version(app_version) or strings.get("FileVersion") != app_version \
            or strings.get("ProductVersion") != app_version:
        raise SystemExit(f"{program.name}'s version resource says {numbers} {strings}, not {app_version}")
    print(f"    {program.name}: FileVersion {strings['FileVersion']}, {'.'.join(map(str, numbers))}")


def unexpected_stderr(text: str) -> list[str]:
    """The stderr lines no pattern in ALLOWED_STDERR accounts for."""
    return [line for line in text.splitlines()
            if line.strip() and not any(re.search(pattern, line) for pattern in ALLOWED_STDERR)]


def smoke(program: Path) -> Path:
    """Start the built program as staff would, on a fresh profile; it must show the demo account."""
    config = Path(tempfile.mkdtemp(prefix="cc-smoke-"))
    shot = BUILD / "smoke.png"
    shot.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CUSTOMER_CONSOLE_NO_DIALOGS": "1"}
    started = time.monotonic()
    done = subprocess.run([str(program), "--config-dir", str(config), "--screenshot", str(shot)],
                          env=env, capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S, check=False)
    elapsed = time.monotonic() - started
    log = config / "logs" / "customer-console.log"
    if done.returncode != 0 or not shot.exists():
        details = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
        raise SystemExit(f"smoke start failed (exit {done.returncode}):\n{done.stderr[-3000:]}\n{details}")
    if not (config / "data" / "demo" / "square.json").exists():
        raise SystemExit("the built program exited 0 but never opened the Square demo account")
    noise = unexpected_stderr(done.stderr or "")
    if noise:
        raise SystemExit("the built program exited 0 but wrote to stderr:\n" + "\n".join(noise[-40:]))
    print(f"    started, painted the demo account and exited 0 in {elapsed:.1f} s; screenshot {shot}")
    shutil.rmtree(config, ignore_errors=True)
    # Team mode's driver: psycopg with its bundled libpq must load in the frozen program too.
    team = subprocess.run([str(program), "team-sql", "--grants"], env=env, capture_output=True, text=True,
                          timeout=SMOKE_TIMEOUT_S, check=False)
    if team.returncode != 0 or "REVOKE UPDATE, DELETE, TRUNCATE" not in team.stdout:
        raise SystemExit(f"the built program's team-sql failed (exit {team.returncode}):\n{team.stderr[-3000:]}")
    print("    team-sql printed the team database's grants (psycopg loads)")
    return shot


def find_makensis() -> str | None:
    """makensis on PATH, or (Windows) in NSIS's default folder, where Chocolatey's package leaves it off PATH."""
    found = shutil.which("makensis")
    if found is None and sys.platform == "win32":
        for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
            candidate = Path(base or "C:/Program Files (x86)") / "NSIS" / "makensis.exe"
            if candidate.exists():
                return str(candidate)
    return found


def nsis(payload: Path) -> Path:
    from exe_version import windows_version

    makensis = find_makensis()
    if makensis is None:
        raise SystemExit("makensis not found: install NSIS (Debian/Ubuntu: apt-get install nsis; "
                         "Windows: choco install nsis) or pass --no-nsis")
    app_version = version("customer-console")
    file_version = ".".join(map(str, windows_version(app_version)))
    out = DIST / f"CustomerConsole-{app_version}-setup.exe"
    icon = BUILD / "icons" / "customer-console.ico"
    command = [makensis, "-V2", f"-DVERSION={app_version}", f"-DFILE_VERSION={file_version}",
               f"-DSOURCE_DIR={payload}", f"-DOUT_FILE={out}", f"-DICON={icon}", str(NSIS_SCRIPT)]
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"    {out} ({out.stat().st_size / 2**20:.1f} MB)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-nsis", action="store_true", help="do not compile the Windows installer")
    parser.add_argument("--skip-build", action="store_true", help="reuse dist/ from an earlier build")
    args = parser.parse_args(argv)
    started = time.monotonic()
    step("icons from resources/icons/customer-console.svg")
    icons = make_icons()
    if args.skip_build:
        program = built_program()
    else:
        step(f"PyInstaller one-folder build of customer-console {version('customer-console')}")
        program = pyinstaller(icons)
    step(f"contents of {bundle_root().relative_to(ROOT)}")
    check_contents(bundle_root())
    if sys.platform == "win32":
        check_version_resource(program)
    step(f"smoke start: {program.relative_to(ROOT)} --screenshot, fresh --config-dir")
    smoke(program)
    if not args.no_nsis:
        step("NSIS installer (on Linux the Linux build stands in for the Windows payload)")
        nsis(DIST / "CustomerConsole")
    print(f"==> done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
