"""A content-addressed cache of records, so unchanged input never pays for a model call twice.

The key is everything that decides the answer: the article text (its sha256), the model, the
prompt version, the schema version and the re-ask budget. Change any of them and the key changes;
nothing is ever invalidated by hand. SQLite, because it is in the standard library, survives a
kill mid-write, and is safe for the several threads of a concurrent batch.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

from pydantic import ValidationError

from summarise.schema import Record

FILE_NAME = "records.sqlite"


def cache_key(*, text_sha256: str, model: str, prompt_version: str, schema_version: str,
              reasks: int) -> str:  # fmt: skip
    """The content address of a record."""
    parts = (text_sha256, model, prompt_version, schema_version, str(reasks))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class RecordCache:
    """Records by content address, in one SQLite file."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, json TEXT)")

    def get(self, key: str) -> Record | None:
        """The cached record for ``key``, or ``None``."""
        with self._lock:
            row = self._db.execute("SELECT json FROM records WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return Record.model_validate_json(row[0])
        except ValidationError:
            return None  # written by another version of the record: ask again

    def put(self, key: str, record: Record) -> None:
        """Store ``record`` under ``key`` (replacing any older one)."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO records (key, json) VALUES (?, ?)",
                (key, record.model_dump_json()),
            )

    def close(self) -> None:
        """Close the database."""
        self._db.close()
