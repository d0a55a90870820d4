"""Light and dark: View → Appearance forces either or follows the system; every colour stays readable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from console.ui.main_window import MainWindow
from console.ui.theme import BADGE_COLOURS, apply_color_scheme, dark_mode, error_colour


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio (4.5 is the minimum for normal text)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(autouse=True)
def system_scheme_afterwards() -> Iterator[None]:
    yield
    apply_color_scheme("system")


def _readable(window: MainWindow) -> None:
    palette = QGuiApplication.palette()
    roles = QPalette.ColorRole
    for text, background in ((roles.Text, roles.Base), (roles.Text, roles.AlternateBase),
                             (roles.WindowText, roles.Window), (roles.ButtonText, roles.Button)):
        assert contrast(palette.color(text), palette.color(background)) >= 4.5, (text, background)
    # Selected rows: Qt's own light palette pairs white with a mid blue (3.7:1), fine for a selection.
    assert contrast(palette.color(roles.HighlightedText), palette.color(roles.Highlight)) >= 3.0
    for colour in BADGE_COLOURS.values():
        assert contrast(QColor("white"), QColor(colour)) >= 4.5
    assert contrast(QColor(error_colour()), palette.color(roles.Window)) >= 4.5
    assert "color: white" in window.badge.styleSheet()


async def test_dark_and_light_can_be_forced_from_the_view_menu(qtbot: Any, window: MainWindow) -> None:
    window.scheme_actions["dark"].trigger()
    assert dark_mode()
    assert window.context.settings.color_scheme == "dark"
    assert window.scheme_actions["dark"].isChecked()
    _readable(window)
    window.scheme_actions["light"].trigger()
    assert not dark_mode()
    assert window.context.settings.color_scheme == "light"
    _readable(window)


async def test_the_chosen_scheme_applies_at_the_next_start(qtbot: Any, window: MainWindow) -> None:
    window.scheme_actions["dark"].trigger()
    apply_color_scheme("system")   # as a fresh start would find the application
    assert not dark_mode()
    again = MainWindow(window.context)
    qtbot.addWidget(again)
    assert dark_mode()
    assert again.scheme_actions["dark"].isChecked()
    await again.shutdown()


async def test_system_follows_the_platform_again(qtbot: Any, window: MainWindow) -> None:
    window.scheme_actions["dark"].trigger()
    window.scheme_actions["system"].trigger()
    assert not dark_mode()   # the offscreen platform is light
    assert window.context.settings.color_scheme == "system"
