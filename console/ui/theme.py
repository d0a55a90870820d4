"""Light and dark: following the system's colour scheme or the one chosen in View → Appearance,
and colours that keep their meaning in both (environment badges, field errors)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Badge colours carry meaning (demo / sandbox / production) and are drawn with white bold text,
# which reads on these backgrounds whatever the system theme.
BADGE_COLOURS = {
    "demo": "#6a1b9a",
    "sandbox": "#9a5b00",
    "production": "#b71c1c",
}
SCHEMES = ("system", "light", "dark")

_native_style: str | None = None   # the platform's own style, put back when leaving dark on Windows
_choice = "system"
_following = False


def dark_mode() -> bool:
    """Whether the application's colours are dark now (however they came to be)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def error_colour() -> str:
    return "#ff8a80" if dark_mode() else "#b3261e"


def warning_colour() -> str:
    """Amber text for "soon" (a card about to expire): readable on either background, apart from errors."""
    return "#ffb74d" if dark_mode() else "#8f5400"


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


def dark_palette() -> QPalette:
    """Fusion's colours for a dark scheme, for platforms that cannot switch the scheme themselves."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#e8e8e8"), (roles.Base, "#1e1e1e"),
                         (roles.AlternateBase, "#262626"), (roles.Text, "#e8e8e8"), (roles.Button, "#353535"),
                         (roles.ButtonText, "#e8e8e8"), (roles.ToolTipBase, "#353535"),
                         (roles.ToolTipText, "#e8e8e8"), (roles.PlaceholderText, "#9a9a9a"),
                         (roles.Highlight, "#2f65ca"), (roles.HighlightedText, "#ffffff"),
                         (roles.Link, "#8ab4f8"), (roles.BrightText, "#ff8a80"), (roles.Light, "#505050"),
                         (roles.Midlight, "#404040"), (roles.Mid, "#303030"), (roles.Dark, "#1a1a1a"),
                         (roles.Shadow, "#000000")):
        palette.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def apply_color_scheme(choice: str) -> None:
    """Follow the system ("system") or force "light" or "dark" for the whole application."""
    from PySide6.QtCore import Qt  # see dark_mode: the Qt namespace is slow to build at start-up

    global _native_style, _choice
    _choice = choice
    app = QApplication.instance()
    hints = QGuiApplication.styleHints()
    if not isinstance(app, QApplication) or hints is None:
        return
    schemes = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
    hints.setColorScheme(schemes.get(choice, Qt.ColorScheme.Unknown))  # Unknown: the system's again
    wanted = schemes.get(choice, hints.colorScheme())
    dark = wanted == Qt.ColorScheme.Dark
    style = app.style()
    if _native_style is None and style is not None:
        _native_style = style.name()
    if sys.platform == "win32":
        # The native Windows styles draw with their own light colours whatever the palette says.
        app.setStyle("Fusion" if dark else _native_style or "Fusion")
    honoured = hints.colorScheme() == wanted or wanted == Qt.ColorScheme.Unknown
    if dark and (not honoured or not dark_mode()):
        app.setPalette(dark_palette())          # the platform ignored the request (offscreen, older desktops)
    elif not dark and dark_mode():
        app.setPalette(QPalette())              # back to the platform's own colours
        style = app.style()
        if dark_mode() and style is not None:   # which are dark, and it ignored the request
            app.setPalette(style.standardPalette())


def follow_system_changes() -> None:
    """When the system switches between light and dark while we follow it, switch the style along."""
    global _following
    hints = QGuiApplication.styleHints()
    if hints is not None and not _following:
        _following = True
        hints.colorSchemeChanged.connect(lambda _scheme: _choice == "system" and sys.platform == "win32"
                                         and apply_color_scheme("system"))
