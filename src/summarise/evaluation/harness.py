"""The eval run's two ends, shared by ``pytest evals/`` and ``summarise eval``.

:func:`conclude` turns scored cases into the written report and the gate's verdict (and, when
asked, a new baseline). :func:`rescore_stored` scores the stored outputs (the cases' records and
the story built from them) alone, without any model or cassette, so iterating on scorers or gold
takes seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarise.errors import EvalError
from summarise.evaluation.dataset import STORY_FILE, load_cases, read_output, staleness
from summarise.evaluation.gold import load_gold_story
from summarise.evaluation.report import (
    CaseResult,
    EvalRun,
    Gate,
    build_report,
    read_json,
    write_json,
    write_report,
)
from summarise.evaluation.scorers import score_case
from summarise.evaluation.story_scorers import score_story
from summarise.story import StoryRecord

BASELINE_FILE = "baseline.json"
GATE_FILE = "quality.toml"
RERECORD_COMMAND = "pytest --record-mode=rewrite"
STORY_OUTPUT = "story.json"
PIPELINE_KEYS = ("model", "prompt_version", "schema_version")
"""What a baseline's samples must share: the model and the request it was sent."""


def conclude(
    evals_dir: Path, run: EvalRun, *, accept: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Write report.json/report.md; return the report and every reason the gate fails."""
    baseline_path = evals_dir / BASELINE_FILE
    baseline = read_json(baseline_path)
    report = build_report(run.results, run.stale, run.story)
    if accept and not run.stale:
        # A new baseline starts with this run alone. Its resamples are dropped even when the
        # hashes match: they cover the request, not the code that turns an answer into a record.
        baseline = {
            **{k: report[k] for k in PIPELINE_KEYS},
            "cases": sorted(report["cases"]),
            "fields": report["fields"],
        }
        write_json(baseline_path, baseline)
    write_report(evals_dir, report, baseline)
    failures = Gate.load(evals_dir / GATE_FILE).failures(report["fields"], baseline)
    if run.stale:
        failures.insert(
            0, f"stale cases {sorted(run.stale)}: re-record them with `{RERECORD_COMMAND}`"
        )
    return report, failures


def rescore_stored(evals_dir: Path) -> EvalRun:
    """Score every case's stored output against its gold; stale or missing outputs are named."""
    run = EvalRun()
    for case in load_cases(evals_dir):
        record = read_output(evals_dir, case.case_id)
        why = staleness(record)
        if why or record is None:
            run.stale[case.case_id] = why or "never recorded"
            continue
        scores = score_case(case.gold, record, case.article)
        run.results.append(CaseResult(case.case_id, scores, record))
    stored_story = evals_dir / "outputs" / STORY_OUTPUT
    gold_story = evals_dir / "gold" / STORY_FILE
    if stored_story.exists() and gold_story.exists() and not run.stale:
        story = StoryRecord.model_validate_json(stored_story.read_text(encoding="utf-8"))
        run.story = score_story(load_gold_story(gold_story), story)
    return run


def add_resample(evals_dir: Path, report: dict[str, Any], label: str) -> int:
    """Add ``report``'s field scores to the baseline as another sample; return the sample count.

    A resample is the accepted pipeline recorded again (``benchmarks/resample.py``): same
    model, prompt and schema, another draw of llama.cpp's noise. The gate then compares a run
    with each field's lowest sample (:func:`summarise.evaluation.report.lowest_accepted`).
    Refused when the report is of another pipeline or another set of cases than the baseline,
    or has stale cases. It may lack fields (a resample that did not record the story); those
    fields keep the samples they have. The hashes cannot tell whether the code that turns an
    answer into a record changed: resample the commit whose run was accepted.
    """
    baseline_path = evals_dir / BASELINE_FILE
    baseline = read_json(baseline_path)
    if baseline is None:
        raise EvalError(f"{baseline_path}: no baseline to add a resample to; accept one first")
    differs = [k for k in PIPELINE_KEYS if report.get(k) != baseline.get(k)]
    if sorted(report.get("cases", {})) != baseline.get("cases"):
        differs.append("cases")
    if differs or report.get("stale"):
        why = f"its {', '.join(differs)} differ" if differs else "it has stale cases"
        raise EvalError(f"not a resample of the accepted baseline: {why}")
    fields = {name: {"f1": row["f1"]} for name, row in report["fields"].items()}
    baseline["resamples"] = [*baseline.get("resamples", []), {"label": label, "fields": fields}]
    write_json(baseline_path, baseline)
    return 1 + len(baseline["resamples"])
