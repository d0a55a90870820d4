"""Kept documents read by customer id, for the rows whose keys a reader handed over before their documents.

A keys-first read (copy_reader.py) makes every row of a local copy searchable before its document is read;
a row asked for meanwhile (painted, opened, sorted by a column its keys do not hold) has its document read
here, straight through the driver on a connection of its own, until the reader has handed them all over.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any


class KeptDocuments:
    """Reads one account's kept documents by customer id (`CustomerIndex.document_source`); thread-safe."""

    def __init__(self, path: Path, key: str, account_id: str) -> None:
        self.path, self.account_id = path, account_id
        self._key = key
        self._lock = threading.Lock()
        self._connection: Any = None
        self._closed = False

    def open(self) -> None:
        """Open the connection now (on a worker thread: a read on the Qt thread then only reads); raises
        LookupError when the copy cannot be opened."""
        with self._lock:
            self._opened()

    def __call__(self, customer_ids: list[str]) -> dict[str, str]:
        from console.store.raw_read import documents_by_id

        with self._lock:
            return documents_by_id(self._opened(), self.account_id, customer_ids)

    def _opened(self) -> Any:
        from console.store.raw_read import open_reader

        if self._closed:
            raise LookupError("the local copy's documents are no longer read")
        if self._connection is None:
            self._connection = open_reader(self.path, self._key)
            if self._connection is None:
                raise LookupError("the local copy could not be opened to read its documents")
        return self._connection

    def close(self) -> None:
        """Read no more (the connection, if one was opened, is closed)."""
        with self._lock:
            self._closed = True
            if self._connection is not None:
                self._connection.close()
                self._connection = None
