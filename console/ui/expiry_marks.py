"""How a card's expiry reads in a table cell: 'MM/YY', a mark once it has expired or expires within
60 days, a theme colour for the mark, and the full last valid day as the tooltip.

Every mark is computed for `today()`, the one place the UI reads the date (tests pin it).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QLocale
from PySide6.QtGui import QColor

from console.domain.card_expiry import CardExpiry, ExpiryState, expiry_status
from console.ui.theme import error_colour, warning_colour

_pinned: date | None = None
_MARKED = " · "   # between the date and its mark: only a marked cell's text holds it


def today() -> date:
    """The day the marks are computed for: the local date, unless pinned."""
    return _pinned or date.today()


def pin_today(day: date | None) -> None:
    """Compute marks for `day` from now on (None: the real date again). For tests and screenshots."""
    global _pinned
    _pinned = day


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExpiryMarks", text)


def expiry_text(expiry: CardExpiry | None) -> str:
    """'04/31', '03/27 · Expires in 23 days', '01/26 · Expired'; '' without an expiry."""
    if expiry is None:
        return ""
    status = expiry_status(expiry, today())
    if status.state is ExpiryState.EXPIRED:
        mark = _tr("Expired")
    elif status.state is ExpiryState.VALID:
        return str(expiry)
    elif status.days_left == 0:
        mark = _tr("Expires today")
    elif status.days_left == 1:
        mark = _tr("Expires tomorrow")
    else:
        mark = _tr("Expires in {0} days").format(status.days_left)
    return f"{expiry}{_MARKED}{mark}"


def expiry_text_plain(text: str) -> bool:
    """Whether a cell showing `text` (made by expiry_text) has the usual colour: no mark in it."""
    return _MARKED not in text


def expiry_colour(expiry: CardExpiry | None) -> QColor | None:
    """The theme's error colour once expired, its warning colour when expiring; None otherwise."""
    if expiry is None:
        return None
    state = expiry_status(expiry, today()).state
    if state is ExpiryState.VALID:
        return None
    return QColor(error_colour() if state is ExpiryState.EXPIRED else warning_colour())


def expiry_tooltip(expiry: CardExpiry | None) -> str:
    """The last valid day in full, in the user's language: 'Valid through Wednesday, 31 March 2027'."""
    if expiry is None:
        return ""
    last = expiry.last_day
    day = QLocale().toString(QDate(last.year, last.month, last.day), QLocale.FormatType.LongFormat)
    if expiry_status(expiry, today()).state is ExpiryState.EXPIRED:
        return _tr("Expired: valid through {0}").format(day)
    return _tr("Valid through {0}").format(day)
