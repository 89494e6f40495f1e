"""Eval plumbing: collect case scores, print the field table, and let a run accept its baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.evaluation.report import EvalRun, build_report, field_table, read_json

EVALS = Path(__file__).parent
BASELINE = EVALS / "baseline.json"

RESULTS = pytest.StashKey[EvalRun]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--accept-baseline",
        action="store_true",
        help="Write this run's field scores to evals/baseline.json (the gate's reference).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = EvalRun()


@pytest.fixture(scope="session")
def eval_run(pytestconfig: pytest.Config) -> EvalRun:
    return pytestconfig.stash[RESULTS]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    run = config.stash.get(RESULTS, None)
    if run is None or not (run.results or run.stale):
        return
    terminalreporter.section("summarise eval")
    if run.results:
        report = build_report(run.results, run.stale, run.story)
        terminalreporter.write_line(field_table(report, read_json(BASELINE)))
    for case_id, lines in run.changes.items():
        terminalreporter.write_line(f"\nchanges in case {case_id}:")
        for line in lines or ["(record unchanged)"]:
            terminalreporter.write_line(f"  {line}")
    for case_id, why in run.stale.items():
        terminalreporter.write_line(f"stale case {case_id}: {why}")
    terminalreporter.write_line(f"report: {EVALS / 'report.md'}")
