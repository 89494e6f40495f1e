"""The eval harness around the scorers: stale detection, re-scoring, the gate, gold drafting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarise.cli import main
from summarise.errors import EXIT_EVAL, EXIT_OK, EvalError
from summarise.evaluation.dataset import load_cases, staleness, write_output
from summarise.evaluation.drafting import draft_gold, write_gold
from summarise.evaluation.gold import load_gold_case, write_json_schemas
from summarise.evaluation.harness import add_resample, conclude, rescore_stored
from summarise.evaluation.perfect import record_from_gold
from summarise.evaluation.report import EvalRun, Gate, lowest_accepted
from summarise.prompts import prompt_version
from summarise.schema import Record, schema_hash

EVALS = Path(__file__).parents[1] / "evals"
GATE = "tolerance = 0.05\n[floors]\nquotes = 0.5\nvalidity = 1.0\n"


@pytest.fixture
def evals_dir(tmp_path: Path) -> Path:
    """A copy of the real gold and articles, with perfect records stored as outputs."""
    shutil.copytree(EVALS / "gold", tmp_path / "gold")
    shutil.copytree(EVALS / "articles", tmp_path / "articles")
    (tmp_path / "gold" / "story.yaml").unlink()
    (tmp_path / "quality.toml").write_text(GATE, encoding="utf-8")
    for case in load_cases(tmp_path):
        write_output(tmp_path, case.case_id, _current(record_from_gold(case.gold, case.article)))
    return tmp_path


def _with_prompt(record: Record, version: str, schema: str | None = None) -> Record:
    update = {"prompt_version": version, "schema_version": schema or schema_hash()}
    provenance = record.provenance.model_copy(update=update)
    return record.model_copy(update={"provenance": provenance})


def _current(record: Record) -> Record:
    """The record as if made by the current prompts and schema."""
    return _with_prompt(record, prompt_version())


def test_current_outputs_are_not_stale(evals_dir: Path) -> None:
    run = rescore_stored(evals_dir)
    assert run.stale == {} and len(run.results) == len(load_cases(evals_dir))


def test_output_from_an_older_prompt_is_named_stale(evals_dir: Path) -> None:
    case = load_cases(evals_dir)[0]
    stored = record_from_gold(case.gold, case.article)
    write_output(evals_dir, case.case_id, _with_prompt(stored, "0ld0ld0ld0ld"))
    run = rescore_stored(evals_dir)
    assert list(run.stale) == [case.case_id]
    assert f"prompt 0ld0ld0ld0ld -> {prompt_version()}" in run.stale[case.case_id]
    _, failures = conclude(evals_dir, run)
    assert "stale" in failures[0] and "--record-mode=rewrite" in failures[0]


def test_missing_output_is_stale() -> None:
    assert staleness(None) == "never recorded"


def test_perfect_outputs_pass_the_gate_and_write_the_report(evals_dir: Path) -> None:
    report, failures = conclude(evals_dir, rescore_stored(evals_dir))
    assert failures == []
    assert report["fields"]["quotes"]["f1"] == 1.0
    assert "| quotes | 1.000 |" in (evals_dir / "report.md").read_text(encoding="utf-8")
    assert json.loads((evals_dir / "report.json").read_text(encoding="utf-8"))["cases"]


def test_gate_fails_below_a_floor_and_on_a_drop_past_tolerance() -> None:
    gate = Gate(floors={"quotes": 0.5}, tolerance=0.05)
    fields = {"quotes": {"f1": 0.4}, "entities": {"f1": 0.7}}
    baseline = {"fields": {"quotes": {"f1": 0.4}, "entities": {"f1": 0.8}}}
    failures = gate.failures(fields, baseline)
    assert any("quotes: F1 0.400 is below its floor" in f for f in failures)
    assert any("entities: F1 fell from 0.800 to 0.700" in f for f in failures)
    assert gate.failures({"quotes": {"f1": 0.6}, "entities": {"f1": 0.78}}, baseline) == []


def test_gate_measures_a_drop_from_the_lowest_accepted_sample() -> None:
    gate = Gate(floors={}, tolerance=0.05)
    baseline = {
        "fields": {"entities": {"f1": 0.72}, "quotes": {"f1": 1.0}},
        "resamples": [{"label": "cold", "fields": {"entities": {"f1": 0.6}}}],
    }
    # 0.58 is a drop from the accepted run but within the noise its resample showed
    assert gate.failures({"entities": {"f1": 0.58}, "quotes": {"f1": 1.0}}, baseline) == []
    failures = gate.failures({"entities": {"f1": 0.54}, "quotes": {"f1": 0.9}}, baseline)
    assert failures == [
        "entities: F1 fell from 0.600, the lowest of its 2 accepted samples, to 0.540 "
        "(more than the tolerance 0.050)",
        "quotes: F1 fell from 1.000 to 0.900 (more than the tolerance 0.050)",
    ]


def test_a_resample_joins_the_baseline_until_another_is_accepted(evals_dir: Path) -> None:
    report, _ = conclude(evals_dir, rescore_stored(evals_dir), accept=True)
    lower = {**report, "fields": {**report["fields"], "quotes": {"f1": 0.7}}}
    assert add_resample(evals_dir, lower, "read cold") == 2
    baseline = json.loads((evals_dir / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["resamples"][0] == {
        "label": "read cold",
        "fields": {
            **{n: {"f1": r["f1"]} for n, r in report["fields"].items()},
            "quotes": {"f1": 0.7},
        },
    }
    conclude(evals_dir, rescore_stored(evals_dir))
    assert "| +0.000 | 0.700 (2) |" in (evals_dir / "report.md").read_text(encoding="utf-8")
    conclude(evals_dir, rescore_stored(evals_dir), accept=True)
    baseline = json.loads((evals_dir / "baseline.json").read_text(encoding="utf-8"))
    assert "resamples" not in baseline


def test_a_resample_of_another_pipeline_is_refused(evals_dir: Path) -> None:
    report, _ = conclude(evals_dir, rescore_stored(evals_dir), accept=True)
    with pytest.raises(EvalError, match="prompt_version differ"):
        add_resample(evals_dir, {**report, "prompt_version": "0ld0ld0ld0ld"}, "old")
    with pytest.raises(EvalError, match="stale"):
        add_resample(evals_dir, {**report, "stale": {"000": "never recorded"}}, "partial")
    fewer = dict(list(report["cases"].items())[1:])
    with pytest.raises(EvalError, match="cases differ"):
        add_resample(evals_dir, {**report, "cases": fewer}, "one case fewer")


def test_a_resample_needs_an_accepted_baseline(evals_dir: Path) -> None:
    report, _ = conclude(evals_dir, rescore_stored(evals_dir))
    with pytest.raises(EvalError, match="accept one first"):
        add_resample(evals_dir, report, "too early")


def test_a_field_only_a_resample_scored_is_gated_on_that_sample_alone() -> None:
    baseline = {
        "fields": {"quotes": {"f1": 1.0}},
        "resamples": [{"label": "with story", "fields": {"story_agreement": {"f1": 0.2}}}],
    }
    assert lowest_accepted(baseline) == {"quotes": (1.0, 1), "story_agreement": (0.2, 1)}
    assert lowest_accepted(None) == {}


def test_accept_writes_the_baseline_the_next_run_compares_against(evals_dir: Path) -> None:
    conclude(evals_dir, rescore_stored(evals_dir), accept=True)
    baseline = json.loads((evals_dir / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["fields"]["quotes"]["f1"] == 1.0
    worse = rescore_stored(evals_dir)
    worse.results[0] = worse.results[0].__class__(
        worse.results[0].case_id,
        {**worse.results[0].scores, "quotes": _zero(worse.results[0].scores["quotes"])},
        worse.results[0].record,
    )
    _, failures = conclude(evals_dir, worse)
    assert any(f.startswith("quotes: F1 fell from 1.000") for f in failures)


def _zero(score: object) -> object:
    from dataclasses import replace

    return replace(score, precision=0.0, recall=0.0, f1=0.0)  # type: ignore[type-var]


@pytest.mark.parametrize(
    ("broken", "code"), [(False, EXIT_OK), (True, EXIT_EVAL)], ids=["passes", "gate-fails"]
)
def test_summarise_eval_rescores_without_a_model(evals_dir: Path, broken: bool, code: int) -> None:
    if broken:
        (evals_dir / "quality.toml").write_text(GATE.replace("0.5", "1.1"), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--evals-dir", str(evals_dir)])
    assert result.exit_code == code, result.output
    assert "| quotes |" in result.output


def test_drafted_gold_is_unreviewed_and_refused(evals_dir: Path) -> None:
    case = load_cases(evals_dir)[0]
    record = _current(record_from_gold(case.gold, case.article))
    article = evals_dir / "gold" / case.gold.article
    draft = draft_gold(record, "999", article, evals_dir / "gold")
    write_gold(draft, evals_dir / "gold" / "999.yaml")
    reloaded = load_gold_case(evals_dir / "gold" / "999.yaml")
    assert reloaded.reviewed is False and reloaded.quotes == draft.quotes
    assert reloaded.article_text(evals_dir / "gold" / "999.yaml") == case.article
    with pytest.raises(EvalError, match=r"unreviewed gold .*999\.yaml"):
        load_cases(evals_dir)


def test_committed_gold_json_schemas_are_current(tmp_path: Path) -> None:
    for fresh in write_json_schemas(tmp_path):
        committed = EVALS / "gold" / fresh.name
        assert committed.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
            "regenerate with summarise.evaluation.gold.write_json_schemas(Path('evals/gold'))"
        )


def test_eval_run_starts_empty() -> None:
    assert EvalRun().results == [] and EvalRun().stale == {}


def test_an_item_found_only_in_ignored_page_furniture_earns_no_grounding() -> None:
    from summarise.evaluation.scorers import score_case
    from summarise.grounding import ground
    from summarise.schema import MAX_ITEMS, FilledDraft, PlacedFigure

    case = next(c for c in load_cases(EVALS) if c.gold.ignore_text)
    heading = case.gold.ignore_text[0]
    assert heading in case.article  # it is in the raw text...
    perfect = record_from_gold(case.gold, case.article)
    figure = PlacedFigure(value=heading.split()[0], unit=None, measures="x",
                          evidence=heading)  # fmt: skip
    no_checks = {kind: {"__all__": {"check"}} for kind in ("quotes", "stances")}
    not_drafted = {
        "figures": {"__all__": {"check", "number"}},
        "entities": {"__all__": {"check", "mentions"}},
        **no_checks,
    }
    data = perfect.model_dump(exclude={"provenance": True, **not_drafted})
    # gold lists optional items too, more than a model may list (MAX_ITEMS)
    capped = {field: data[field][:cap] for field, cap in MAX_ITEMS.items()}
    draft = FilledDraft.model_validate({**data, **capped})
    draft = draft.model_copy(update={"figures": [*draft.figures, figure]})
    record = Record(**dict(ground(draft, case.article)), provenance=perfect.provenance)
    assert record.figures[-1].check.verified  # ...so the product verifies it,
    scores = score_case(case.gold, record, case.article)
    assert scores["grounding"].precision < 1.0  # but the eval gives it no credit


def test_a_typo_in_gold_is_one_clear_error(evals_dir: Path) -> None:
    path = evals_dir / "gold" / "000.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("headline:", "headlin:"), "utf-8")
    result = CliRunner().invoke(main, ["eval", "--evals-dir", str(evals_dir)])
    assert result.exit_code == 2
    assert "000.yaml" in result.output and "Traceback" not in result.output
