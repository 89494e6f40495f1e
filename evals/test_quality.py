"""The quality eval: every gold case through the pipeline (replayed), scored field by field.

Replay (the default) is offline and takes seconds. ``pytest --record-mode=rewrite`` re-records
every cassette against the configured backend, stores each record in ``evals/outputs/``, and
prints what changed; ``--accept-baseline`` makes this run's scores the new reference.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.backend import Backend
from summarise.evaluation.dataset import (
    STORY_FILE,
    EvalCase,
    load_cases,
    read_output,
    staleness,
    write_output,
)
from summarise.evaluation.diff import record_diff
from summarise.evaluation.gold import load_gold_story
from summarise.evaluation.harness import RERECORD_COMMAND as RERECORD
from summarise.evaluation.harness import STORY_OUTPUT, conclude
from summarise.evaluation.report import CaseResult, EvalRun
from summarise.evaluation.scorers import score_case
from summarise.evaluation.story_scorers import score_story
from summarise.pipeline import summarise_text
from summarise.story import StoryRecord
from summarise.story_build import build_story

EVALS = Path(__file__).parent
CASES = load_cases(EVALS)


@pytest.mark.vcr
@pytest.mark.parametrize("case", CASES, ids=[c.case_id for c in CASES])
def test_case(case: EvalCase, model_backend: Backend, eval_run: EvalRun, recording: bool) -> None:
    stored = read_output(EVALS, case.case_id)
    if recording:
        record = summarise_text(case.article, model_backend)
        eval_run.changes[case.case_id] = record_diff(stored, record)
        write_output(EVALS, case.case_id, record)
    else:
        stale = staleness(stored)
        if stale:
            eval_run.stale[case.case_id] = stale
            pytest.fail(
                f"case {case.case_id} is stale ({stale}); re-record: {RERECORD}", pytrace=False
            )
        record = summarise_text(case.article, model_backend)
        assert stored is not None
        replayed = record.model_dump(exclude={"provenance": {"latency_s"}})
        assert replayed == stored.model_dump(exclude={"provenance": {"latency_s"}}), (
            f"replaying case {case.case_id} gives another record than evals/outputs holds; "
            f"re-record with `{RERECORD}`"
        )
        record = stored
    scores = score_case(case.gold, record, case.article)
    eval_run.results.append(CaseResult(case.case_id, scores, record))


@pytest.mark.vcr
def test_story(model_backend: Backend, eval_run: EvalRun, recording: bool) -> None:
    """The three seeds as one story (stored records, tensions named by the model), scored."""
    gold = load_gold_story(EVALS / "gold" / STORY_FILE)
    records, texts = {}, {}
    for case in (c for c in CASES if c.case_id in gold.cases):
        record = read_output(EVALS, case.case_id)
        stale = staleness(record)
        if stale or record is None:
            pytest.fail(f"story: case {case.case_id} is stale ({stale})", pytrace=False)
        records[case.case_id], texts[case.case_id] = record, case.article
    story = build_story(records, texts, model_backend)
    stored = EVALS / "outputs" / STORY_OUTPUT
    if recording:
        stored.write_text(story.model_dump_json(indent=2) + "\n", encoding="utf-8")
    else:
        assert story == StoryRecord.model_validate_json(stored.read_text(encoding="utf-8")), (
            f"replaying the story gives another digest than {stored}; re-record: {RERECORD}"
        )
    eval_run.story = score_story(gold, story)


def test_quality_gate(eval_run: EvalRun, pytestconfig: pytest.Config) -> None:
    """Runs after the cases: write the report, then fail on a floor or a drop past tolerance."""
    assert eval_run.results or eval_run.stale, "no case was scored (run the whole evals/ folder)"
    accept = bool(pytestconfig.getoption("--accept-baseline"))
    _, failures = conclude(EVALS, eval_run, accept=accept)
    assert not failures, "quality gate:\n" + "\n".join(failures)


def test_gold_scores_itself_perfectly() -> None:
    """The scorers' sanity check on real gold: a record built from the gold scores 1.0."""
    from summarise.evaluation.perfect import record_from_gold

    for case in CASES:
        scores = score_case(case.gold, record_from_gold(case.gold, case.article), case.article)
        imperfect = {name: s.f1 for name, s in scores.items() if s.f1 < 1.0}
        assert not imperfect, f"case {case.case_id}: gold scores below 1.0 on {imperfect}"
