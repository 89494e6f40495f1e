"""The eval cases on disk: gold files, their articles, and the stored output of each case.

``evals/gold/<case>.yaml`` is the hand-written truth; ``evals/outputs/<case>.json`` is the record
the pipeline last produced for that case, written by the recording run beside its cassette. A
stored output carries the prompt and schema versions it was made with, which is how the eval
tells a *stale* case (prompts changed since it was recorded) from a current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from summarise.errors import EvalError
from summarise.evaluation.gold import GoldCase, load_gold_case
from summarise.prompts import prompt_version
from summarise.schema import Record, schema_hash

STORY_FILE = "story.yaml"


@dataclass(frozen=True)
class EvalCase:
    """One gold-annotated article."""

    gold_path: Path
    gold: GoldCase

    @property
    def case_id(self) -> str:
        """The short id used in file names and reports."""
        return self.gold.case

    @property
    def article(self) -> str:
        """The article text the gold annotates."""
        return self.gold.article_text(self.gold_path)


def load_cases(evals_dir: Path, *, allow_unreviewed: bool = False) -> list[EvalCase]:
    """Every article gold file under ``evals_dir/gold``, sorted; unreviewed gold is refused."""
    paths = sorted(p for p in (evals_dir / "gold").glob("*.yaml") if p.name != STORY_FILE)
    if not paths:
        raise EvalError(f"no gold files in {evals_dir / 'gold'}")
    cases = [EvalCase(path, load_gold_case(path)) for path in paths]
    unreviewed = [c.gold_path.name for c in cases if not c.gold.reviewed]
    if unreviewed and not allow_unreviewed:
        raise EvalError(
            "unreviewed gold (a person must check it and set 'reviewed: true'): "
            + ", ".join(unreviewed)
        )
    return cases


def output_path(evals_dir: Path, case_id: str) -> Path:
    """Where a case's stored record lives."""
    return evals_dir / "outputs" / f"{case_id}.json"


def read_output(evals_dir: Path, case_id: str) -> Record | None:
    """The stored record of a case, or ``None`` when it was never recorded."""
    path = output_path(evals_dir, case_id)
    if not path.exists():
        return None
    try:
        return Record.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise EvalError(
            f"{path}: not a record of this version ({exc.error_count()} problem(s)); "
            "re-record the eval"
        ) from exc


def write_output(evals_dir: Path, case_id: str, record: Record) -> Path:
    """Store a case's record as readable JSON (reviewed in diffs like any other file)."""
    path = output_path(evals_dir, case_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def staleness(record: Record | None) -> str | None:
    """Why a stored record no longer reflects the current prompts and schema, or ``None``."""
    if record is None:
        return "never recorded"
    reasons = []
    current_prompt, current_schema = prompt_version(), schema_hash()
    if record.provenance.prompt_version != current_prompt:
        reasons.append(f"prompt {record.provenance.prompt_version} -> {current_prompt}")
    if record.provenance.schema_version != current_schema:
        reasons.append(f"schema {record.provenance.schema_version} -> {current_schema}")
    return ", ".join(reasons) or None
