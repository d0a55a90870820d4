"""A privacy request's receipt printed to a PDF with Qt's own PDF writer (no other dependency): written
beside its place first and moved there when whole, readable by the user alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from console.services.atomic_file import replacing
from console.services.privacy_receipt import receipt_html, receipt_title
from console.services.privacy_requests import PrivacyRequest


def receipt_path(folder: Path, request: PrivacyRequest) -> Path:
    return folder / f"privacy-receipt-{request.id[:8]}.pdf"


def write_receipt_pdf(request: PrivacyRequest, path: Path) -> Path:
    """Print the receipt of `request` to `path` (A4); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as temporary:   # mkstemp's file: the user's alone, kept by Qt's writer
        writer = QPdfWriter(str(temporary))
        writer.setTitle(receipt_title(request))
        writer.setCreator("Customer Console")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
        document = QTextDocument()
        document.setHtml(receipt_html(request))
        document.print_(writer)
        del writer   # the file is finished when the writer goes
    return path
