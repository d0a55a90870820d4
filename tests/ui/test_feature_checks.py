"""PySide6's per-import check answered without reading the new module's source (ui/feature_checks.py)."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import pytest

from console.ui.feature_checks import answer_without_sources


def test_a_module_imported_after_qt_is_not_read_and_gets_the_default_features(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_without_sources()   # conftest did so already; answering twice changes nothing
    source = tmp_path / "freshly_imported_module.py"
    source.write_text("VALUE = 1  # names no Qt binding\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    try:
        module = __import__("freshly_imported_module")   # as an import statement does: through the hook
        feature = sys.modules["shibokensupport.feature"]
        assert module.VALUE == 1
        assert str(source) not in linecache.cache          # its source was not read
        assert feature.pyside_feature_dict["freshly_imported_module"] == 0   # the default feature set
    finally:
        sys.modules.pop("freshly_imported_module", None)
        sys.modules["shibokensupport.feature"].pyside_feature_dict.pop("freshly_imported_module", None)


def test_qt_attributes_read_from_such_a_module_are_the_usual_ones() -> None:
    from PySide6.QtCore import QObject

    answer_without_sources()
    assert hasattr(QObject, "objectName") and not hasattr(QObject, "object_name")   # no snake_case
