"""Colours that keep their meaning in light and dark mode (environment badges, field errors)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# Badge colours carry meaning (demo / sandbox / production) and are drawn with white bold text,
# which reads on these backgrounds whatever the system theme.
BADGE_COLOURS = {
    "demo": "#6a1b9a",
    "sandbox": "#9a5b00",
    "production": "#b71c1c",
}


def dark_mode() -> bool:
    # Imported here: the first use of the Qt namespace is slow, and start-up imports this module.
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def error_colour() -> str:
    return "#ff8a80" if dark_mode() else "#b3261e"


def badge_style(environment: str) -> str:
    colour = BADGE_COLOURS.get(environment, "#455a64")
    return (f"QLabel {{ background: {colour}; color: white; font-weight: bold; "
            "border-radius: 3px; padding: 1px 8px; }")


def placeholder_colour(palette: QPalette) -> QColor:
    """The palette's text colour, faded: clearly lighter than typed text on either background."""
    colour = QColor(palette.color(QPalette.ColorRole.Text))
    colour.setAlpha(120)
    return colour


def status_style() -> str:
    """A standing warning about the customer (disabled, asked to be forgotten): readable in both modes."""
    colour = error_colour()
    return f"QLabel {{ color: {colour}; border: 1px solid {colour}; border-radius: 3px; padding: 3px 6px; }}"
