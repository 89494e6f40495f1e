"""The results file of a batch: JSON Lines, one line per input, appended as each one finishes.

Each line is written with one ``write`` and flushed to disk before the next input starts, so a
run killed at any moment leaves every finished line intact; a torn last line (power loss) is
dropped on the next run, and a damaged line elsewhere is skipped (that input is redone). Lines
are ``{"source", "sha256", "record"}`` or ``{"source", "sha256", "error", "exit_code"}``.
A re-run skips inputs that already have a record line for the same text and retries those that
failed, writing an error line again only when the error is a new one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from summarise.errors import InputError


class ResultsFile:
    """An append-only JSONL file of records and errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done: set[tuple[str, str]] = set()
        self._errors: set[tuple[str, str]] = set()
        if path.exists():
            self._load()

    def _load(self) -> None:
        raw = self.path.read_bytes()
        complete, _, torn = raw.rpartition(b"\n")
        for line in complete.split(b"\n"):
            try:
                self._remember(json.loads(line))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue  # not ours or damaged: leave it, redo that input
        if torn.strip():  # a last line without its newline was cut by a crash: drop it
            with self.path.open("r+b") as handle:
                handle.truncate(len(complete) + 1 if complete else 0)

    def is_done(self, source: str, sha256: str) -> bool:
        """Whether this input, with this exact text, already has a record in the file."""
        return (source, sha256) in self._done

    def _remember(self, entry: dict[str, Any]) -> None:
        if "record" in entry:
            self._done.add((entry["source"], entry["sha256"]))
        else:
            self._errors.add((entry["source"], entry.get("error", "")))

    def append(self, entry: dict[str, Any]) -> None:
        """Append one entry as one line, durably; an error already on file is not repeated."""
        if "error" in entry and (entry["source"], entry["error"]) in self._errors:
            return
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write results: {exc.strerror}") from exc
        self._remember(entry)
