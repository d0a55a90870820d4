"""The customer table's cells painted from the model's texts with one `drawText` each.

The style's own item painting lays every cell's text out anew (QTextLayout) after asking the
model for seven roles; at a repaint per keystroke that cost more than the search (P2, P8b in
benchmarks/run.py). This paints what QCommonStyle paints for a plain cell (selection fill, icon,
elided text, at the same places and in the same colours), measured once per cell size. Cells it
does not cover are painted by QStyledItemDelegate as before: the current cell (its focus frame),
a coloured mark, text of several lines or outside Latin letters, right-to-left, and styles whose
items look otherwise (it covers Fusion's, the style on Linux and in dark mode). The table's rows
are painted in one pass by row_painter.py, which calls `paint_row` for each row neither selected
nor focused and `paint_plain` for each plain cell of the others."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from console.ui.cell_looks import FOCUS, CellLooks, Look
from console.ui.generations import Generations, LetGoInTurns

if TYPE_CHECKING:
    from console.ui.customer_table import CustomerTableModel

COVERED_STYLES = frozenset({"fusion"})   # styles whose item cells are QCommonStyle's (by QStyle.name())
# Text drawn with the font's own letters (else a fallback font's line metrics move it): Basic Latin
# to Latin Extended-A, which every UI font holds.
_LAST_PLAIN_LETTER = "\u017f"
_TEXTS_KEPT = 4096   # laid out texts remembered a generation (a window shows a few hundred cells)
# What kerning may add to a text's width, per letter, as a share of the font's line height. A text
# whose letters' own widths and this sum to no more than its room fits without being measured
# (shaping it costs as much as laying it out). DejaVu Sans's largest pair is 0.05 of its line:
# `tests/ui/test_cell_painter.py` checks every pair of the plain letters against this.
KERNING_ALLOWANCE = 0.1
# Drawn once off screen before the first rows (`warm_glyphs`): the letters of most cells, each at the
# quarter-pixel offsets a glyph is kept at.
_WARM_LETTERS = "".join(map(chr, range(33, 127)))
_WARM_OFFSETS = (0.0, 0.25, 0.5, 0.75)

_RESET_ON = frozenset({QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.LayoutDirectionChange})
AnyIndex = QModelIndex | QPersistentModelIndex
_IconKey = tuple[int, QRect, QIcon.Mode, QIcon.State, float]   # icon, its area in the cell, mode, state, pixel ratio


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a cell of one size paints, relative to its top left corner (QCommonStyle's viewItemLayout)."""

    fill: QRect            # the text's area, filled when selected
    icon: QRect | None
    icon_alignment: Qt.AlignmentFlag
    text_x: int
    text_y: int            # the line's top (its baseline a font ascent below)
    width: int             # the text's room, beyond which it is elided
    fits: bool             # the line fits the cell's height (else the style clips it)


def _plain(text: str) -> bool:
    """Whether `text` is one line of the letters painted here (an empty text is)."""
    return not text or ("\n" not in text and max(text) <= _LAST_PLAIN_LETTER)


class CellPainter(QStyledItemDelegate):
    """Paints plain cells of `view` over `model` itself; the others through QStyledItemDelegate."""

    def __init__(self, view: QTableView, model: CustomerTableModel) -> None:
        super().__init__(view)
        self._view, self._model = view, model
        self._layouts: dict[tuple[int, int, bool], _Layout] = {}
        # (text, room) -> laid out, elided: the texts drawn or laid out lately (generations.py)
        self._let_go = LetGoInTurns(self)
        self._texts: Generations[tuple[str, int], QStaticText] = Generations(_TEXTS_KEPT, self._let_go)
        self._looks = CellLooks()
        self._icons: dict[_IconKey, tuple[QRect, QPixmap]] = {}   # -> place in the cell, pixmap
        self._covered = False
        self._fill_row = False   # the style fills a selected cell's whole rect, not only its text's area
        self._font = QFont()
        self._metrics = QFontMetricsF(self._font)
        self._advances: dict[str, float] = {}   # letter -> its width in `_font`
        self._allowance = 0.0                   # kerning's most per letter in `_font` (KERNING_ALLOWANCE)
        self._elide = Qt.TextElideMode.ElideRight
        self._reset()
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _RESET_ON:
            self._reset()
        return False

    def _reset(self) -> None:
        """Measure again: the style, font or direction changed."""
        view, style = self._view, self._view.style()
        self._layouts.clear()
        self._texts.clear()
        self._looks.clear()
        self._icons.clear()
        self._covered = (style.name().lower() in COVERED_STYLES
                         and view.layoutDirection() == Qt.LayoutDirection.LeftToRight)
        self._fill_row = bool(style.styleHint(QStyle.StyleHint.SH_ItemView_ShowDecorationSelected, None, view))
        self._elide = view.textElideMode()

    @property
    def covered(self) -> bool:
        """Whether the view's style and direction are ones this paints plain cells in."""
        return self._covered

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painted = self._model.painted_row(index.row()) if self._covered else None
        column, state = index.column(), option.state.value
        if painted is not None and column not in painted.marked and not state & FOCUS:
            x, y, width, height = cast(tuple[int, int, int, int], option.rect.getRect())   # one call, not four
            icon = painted.icon if column == painted.icon_column else None
            if (width, height, icon is not None) not in self._layouts:
                self._measure(option, index, icon is not None)
            if self.paint_plain(painter, x, y, width, height, self.look(option.palette, state),
                                painted.texts[column], icon):
                return
        super().paint(painter, option, index)

    @property
    def font(self) -> QFont:
        """The font plain cells are painted in."""
        return self._font

    def paint_plain(self, painter: QPainter, x: int, y: int, width: int, height: int, look: Look,
                    text: str, icon: QIcon | None, *, font_set: bool = False) -> bool:
        """Paint a plain cell (not the focused one) at (x, y) in `look`; False, having painted nothing,
        when its text is not plain or its size has not been measured yet (Qt's delegate paints it then).
        `font_set`: the painter has `font` already (setting it per cell doubles a new text's first
        drawing: the text is laid out anew for a font marked changed)."""
        if not _plain(text):
            return False
        layout = self._layouts.get((width, height, icon is not None))
        if layout is None or not layout.fits:
            return False
        if look.highlight is not None:
            if self._fill_row:
                painter.fillRect(x, y, width, height, look.highlight)
            painter.fillRect(layout.fill.translated(x, y), look.highlight)
        if icon is not None:
            self._draw_icon(painter, x, y, icon, layout, look)
        if text:
            painter.setPen(look.pen)
            if not font_set:
                painter.setFont(self._font)
            painter.drawStaticText(x + layout.text_x, y + layout.text_y, self._static_text(text, layout.width))
        return True

    def paint_row(self, painter: QPainter, y: int, height: int, texts: tuple[str, ...], icon: QIcon | None,
                  icon_column: int | None, look: Look, columns: list[tuple[int, int, int]]) -> list[int]:
        """Paint a row's plain cells, as `paint_plain` would each, in `columns` (column, x, width); the
        row is neither selected nor focused, the painter has `font` and `look`'s pen. The columns
        whose cells are not plain, to be painted by Qt's delegate, are returned (one call a row,
        not a cell: at a repaint per keystroke the calls were a third of the cells' drawing)."""
        layouts, laid_out, left = self._layouts, self._texts.newer, []
        for column, x, width in columns:
            text = texts[column]
            with_icon = icon is not None and column == icon_column
            layout = layouts.get((width, height, with_icon))
            if layout is None or not layout.fits:
                left.append(column)
                continue
            laid = laid_out.get((text, layout.width)) if text else None   # laid out already: plain
            if text and laid is None:
                if not _plain(text):
                    left.append(column)
                    continue
                laid = self._static_text(text, layout.width)
            if with_icon:
                self._draw_icon(painter, x, y, cast(QIcon, icon), layout, look)
            if laid is not None:
                painter.drawStaticText(x + layout.text_x, y + layout.text_y, laid)
        return left

    def _static_text(self, text: str, width: int) -> QStaticText:
        """`text` elided to `width`, laid out once (drawing it again costs a third of drawText)."""
        key = (text, width)
        laid = self._texts.newer.get(key)
        if laid is None:
            laid = self._texts.revive(key)
            if laid is None:
                laid = self._new_text(text, width)
                self._texts.keep(key, laid)
        return laid

    def _new_text(self, text: str, width: int) -> QStaticText:
        # elidedText measures the text, then elides it if it does not fit; measuring alone costs less
        # than half of that (the same text engine's width: the same answer for what fits), and most
        # texts fit by their letters' widths alone, which cost a tenth of that.
        fits = self.surely_fits(text, width) or self._metrics.horizontalAdvance(text) <= width
        laid = QStaticText(text if fits else self._metrics.elidedText(text, self._elide, width))
        laid.setTextFormat(Qt.TextFormat.PlainText)
        return laid

    def lay_out(self, text: str, width: int, height: int, icon: bool) -> bool:
        """Lay `text` out now as a plain cell of this size would draw it, unless it is laid out already
        (layout_ahead.py): its first drawing then costs what drawing it again does, a third. False where
        such a cell is not painted here, or its size not measured yet."""
        if not text or not _plain(text):
            return False
        layout = self._layouts.get((width, height, icon))
        if layout is None or not layout.fits:
            return False
        key = (text, layout.width)
        if key not in self._texts:
            ratio = self._view.viewport().devicePixelRatioF()
            # As the viewport's painter will hold it: the font set once per pass, the pixel ratio's
            # scale (a translation does not count).
            self._static_text(text, layout.width).prepare(QTransform.fromScale(ratio, ratio), self._font)
        return True

    def surely_fits(self, text: str, width: float) -> bool:
        """Whether `text` fits `width` by its letters' own widths with kerning's most added: False
        when it may not (it is measured whole then)."""
        advances = self._advances
        try:
            total = sum(map(advances.__getitem__, text))
        except KeyError:
            for letter in set(text).difference(advances):
                advances[letter] = self._metrics.horizontalAdvance(letter)
            total = sum(map(advances.__getitem__, text))
        return total + self._allowance * len(text) <= width

    def warm_glyphs(self) -> None:
        """Draw the common letters once, off screen, in the view's font and pixel ratio: the font engine
        keeps each glyph's image, so the first screenful of rows does not render them one by one (its
        cells' drawing about 5 ms rather than 6 on the development VM; this costs about 2 ms, spent
        while the first page is on its way)."""
        view = self._view
        pixmap = QPixmap(8, 8)   # the screen's format, as the window's backing store has
        pixmap.setDevicePixelRatio(view.devicePixelRatioF())
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setFont(view.font())
        for offset in _WARM_OFFSETS:   # the glyphs are kept as drawn: those off the pixmap too
            painter.drawText(QPointF(offset, 6), _WARM_LETTERS)
        painter.end()

    def _draw_icon(self, painter: QPainter, x: int, y: int, icon: QIcon, layout: _Layout, look: Look) -> None:
        """`icon` in the cell at (x, y), placed and scaled as QIcon.paint would, from a pixmap kept per icon,
        area, mode and pixel ratio (painting through QIcon looks it up anew each time, at three times the cost)."""
        if layout.icon is None:
            return
        key = (icon.cacheKey(), layout.icon, look.icon_mode, look.icon_state, painter.device().devicePixelRatio())
        kept = self._icons.get(key)
        if kept is None:
            size = icon.actualSize(layout.icon.size(), look.icon_mode, look.icon_state)
            place = QStyle.alignedRect(Qt.LayoutDirection.LeftToRight, layout.icon_alignment, size, layout.icon)
            if len(self._icons) >= _TEXTS_KEPT:
                self._icons.clear()
            kept = self._icons[key] = place, icon.pixmap(size, key[-1], look.icon_mode, look.icon_state)
        painter.drawPixmap(kept[0].translated(x, y), kept[1])

    def look(self, palette: QPalette, state: int) -> Look:
        """The colours and icon mode of a cell in `state` (cell_looks.py)."""
        return self._looks.look(palette, state)

    def _measure(self, option: QStyleOptionViewItem, index: AnyIndex, icon: bool) -> _Layout:
        """Ask the style where a cell of this size puts its parts (as QStyledItemDelegate would)."""
        view, style = self._view, self._view.style()
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        self._font = QFont(item.font)
        self._metrics = QFontMetricsF(item.font)
        self._advances = {}
        self._allowance = KERNING_ALLOWANCE * self._metrics.height()
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, view)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        line = math.ceil(self._metrics.ascent() + self._metrics.descent())   # a QTextLine's height (leading aside)
        top = area.y() - option.rect.y() + int((area.height() - line) / 2)   # QStyle.alignedRect, VCenter
        fill = area.translated(-option.rect.x(), -option.rect.y())
        decoration = (style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, item, view)
                      .translated(-option.rect.x(), -option.rect.y()) if icon else None)
        layout = _Layout(fill=fill, icon=decoration, icon_alignment=item.decorationAlignment, text_x=fill.x() + margin,
                         text_y=top,
                         width=area.width() - 2 * margin,
                         fits=item.showDecorationSelected and line <= area.height()
                         and item.displayAlignment == (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter))
        self._layouts[(option.rect.width(), option.rect.height(), icon)] = layout
        return layout
