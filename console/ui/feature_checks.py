"""PySide6's check of every module imported after it, answered without reading the module's source.

PySide6 replaces `__import__` for its opt-in `from __feature__ import snake_case, true_property`, and
after each import reads the new module's whole source (`inspect.getsource`, kept in `linecache`) to
see whether it names PySide6: such a module is given the default feature set (0), any other is
ignored (-1). For the ~450 modules a start imports after Qt that read cost 0.1-0.2 s of CPU on the
development VM (importing the main window: 0.69 s median, 0.50 s answered here; P1 in
benchmarks/run.py). An installed app ships no sources, so there each read fails at once; a run from
the sources paid it all. The app selects no feature anywhere, so 0 and -1 act alike (PySide6 keeps
the last set selected, always the default); every module is answered 0, the default a module that
uses PySide6 is given, which stays right even for a module that one day selects a feature (its
import sets its own entry first).
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (sets up the hook whose check is answered here)


def _default_features(module: ModuleType) -> bool:
    return True


def answer_without_sources() -> None:
    """Answer PySide6's per-import check without reading sources; nothing if this PySide6 has none."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _default_features  # type: ignore[attr-defined]
