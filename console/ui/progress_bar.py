"""A progress bar whose new value is painted with the window's next frame, not at once."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class ProgressBar(QProgressBar):
    """`QProgressBar` without its synchronous repaint on `setValue`.

    Qt's `setValue` repaints the bar at once, and that flushes every region of the window waiting to be
    painted: a page of rows added just before was painted inside the call, then again with the frame
    (P6 in benchmarks/run.py). Here the value only marks the bar for the next frame.
    """

    def setValue(self, value: int) -> None:
        self.setUpdatesEnabled(False)
        try:
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(True)   # schedules the bar's repaint with the next frame
