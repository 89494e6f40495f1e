"""How far the eval moves when nothing changes but llama.cpp's cache state: its sampling noise.

Run on demand (about 10 minutes for eight cases and the story, nothing else on the CPU; needs
the embedded model):

    .venv/bin/python benchmarks/resample.py                      # HEAD, every case read cold
    .venv/bin/python benchmarks/resample.py --ref my-branch      # judge a branch the same way
    .venv/bin/python benchmarks/resample.py --order reverse      # the cases in reverse order
    .venv/bin/python benchmarks/resample.py --add-to-baseline    # and let the gate read it

``--add-to-baseline`` adds the new sample to ``evals/baseline.json`` (refused unless it is of
the accepted pipeline: same model, prompt and schema); the quality gate then measures a drop from
each field's lowest accepted sample. The story is recorded again too, from the new records.

llama.cpp is not bit-reproducible across KV-cache states: a prompt read in one piece (cold)
gives other logits, and can give another record, than the same prompt read after its shared
instructions were cached by an earlier request (warm). A committed recording reads every eval
case warm (the tests' requests come first). ``--order cold`` records each case in its own run,
with new servers, so every case is read cold: a second sample of every record. ``--order
reverse`` keeps one run and reverses the cases; measured, that resamples only the case that
moves to the front (the cached instructions are the same whichever article came before), so it
is the weaker probe. Each run is a throwaway git worktree of ``--ref``; its records are scored
by that worktree's own ``summarise eval`` and printed beside the committed report.

Run two of these one after the other, never at once: two recordings on two cores took 39
minutes instead of 5-6 each, long enough for requests to time out and be sent again.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from summarise.errors import EvalError
from summarise.evaluation.harness import add_resample, conclude, rescore_stored

ROOT = Path(__file__).resolve().parents[1]
PYTEST = Path(sys.executable).parent / "pytest"
SUMMARISE = Path(sys.executable).parent / "summarise"
STORY_NODE = "evals/test_quality.py::test_story"
FIELDS = ("entities", "figures", "quotes", "speakers", "stances", "key_points", "grounding")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout


def _pytest(worktree: Path, nodes: list[str]) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(worktree / "src"),  # the worktree's code, not the editable install
        "SUMMARISE_CACHE_DIR": str(worktree / ".cache"),
    }
    command = [str(PYTEST), *nodes, "--record-mode=rewrite", "-p", "no:cacheprovider", "-q"]
    # the gate may fail on a resample: that is a finding here, not an error
    subprocess.run(command, cwd=worktree, env=env, check=False, capture_output=True)


def _record(worktree: Path, cases: list[str], order: str) -> dict[str, Any]:
    """Record the eval cases of ``worktree`` as ``order`` says; score what was stored."""
    nodes = [f"evals/test_quality.py::test_case[{case}]" for case in cases]
    started = time.time()
    if order == "cold":
        for node in nodes:  # a run each: new servers, the prompt read in one piece
            _pytest(worktree, [node])
        _pytest(worktree, [STORY_NODE])  # the story of the new records, in a run of its own
    else:
        _pytest(worktree, [*reversed(nodes), STORY_NODE])
    outputs = worktree / "evals" / "outputs"
    missed = [c for c in [*cases, "story"] if (outputs / f"{c}.json").stat().st_mtime < started]
    if missed:  # a failed recording leaves the committed record, which must not pass as new
        raise SystemExit(f"not re-recorded: cases {', '.join(missed)}")
    # the worktree's own `summarise eval` re-scores the stored records into its report.json
    # (exit 6 when its gate fails, a finding here)
    subprocess.run(
        [str(SUMMARISE), "eval", "--evals-dir", "evals"],
        cwd=worktree,
        env={**os.environ, "PYTHONPATH": str(worktree / "src")},
        check=False,
        capture_output=True,
    )
    written = worktree / "evals" / "report.json"
    if written.stat().st_mtime < started:
        raise SystemExit("summarise eval wrote no report for the new records")
    report: dict[str, Any] = json.loads(written.read_text())
    return report


def _row(report: dict[str, Any], case: str) -> str:
    found = report["cases"].get(case)
    if found is None:
        return "missing"
    scores = " ".join(f"{found['fields'][f]['f1']:.2f}" for f in FIELDS)
    return f"{scores}  ({found['completion_tokens']} tokens)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="The commit or branch to resample.")
    parser.add_argument(
        "--order",
        choices=("cold", "reverse"),
        default="cold",
        help="cold: each case in its own run, read cold; reverse: one run, cases reversed.",
    )
    parser.add_argument("--out", type=Path, help="Also write both reports' scores as JSON here.")
    parser.add_argument(
        "--records", type=Path, help="Also keep the new records (one JSON each) in this folder."
    )
    parser.add_argument(
        "--add-to-baseline",
        action="store_true",
        help="Add the new sample to this checkout's evals/baseline.json (same pipeline only).",
    )
    parser.add_argument(
        "--from",
        dest="earlier",
        type=Path,
        help="Take the sample from an earlier --out file instead of recording one.",
    )
    args = parser.parse_args()

    if args.earlier:
        earlier: dict[str, Any] = json.loads(args.earlier.read_text(encoding="utf-8"))
        committed, resampled = earlier["committed"], earlier["again"]
        cases = sorted(committed["cases"])
        order = resampled.get("order", "cold")  # the files written before the key are all cold
        source = args.earlier.name
    else:
        committed = json.loads(_git("show", f"{args.ref}:evals/report.json"))
        cases = sorted(committed["cases"])
        with tempfile.TemporaryDirectory(prefix="summarise-resample-") as scratch:
            worktree = Path(scratch) / "tree"
            _git("worktree", "add", "--detach", "-q", str(worktree), args.ref)
            try:
                recorded = _record(worktree, cases, args.order)
                resampled = {**recorded, "order": args.order}
                if args.records:  # so that a later scorer can judge these records again
                    shutil.copytree(worktree / "evals" / "outputs", args.records)
            finally:
                _git("worktree", "remove", "--force", str(worktree))
        order = args.order
        commit = _git("rev-parse", "--short", args.ref).strip()
        source = f"{args.ref} ({commit}), {time.strftime('%Y-%m-%d')}"
    label = f"{source}: every case re-recorded {order}"
    print(f"{source}: committed report, then the same cases recorded again ({order})")
    print(f"{'field':<11} {'committed':>9} {'again':>9}")
    for field in FIELDS:
        before = statistics.fmean(c["fields"][field]["f1"] for c in committed["cases"].values())
        after = statistics.fmean(c["fields"][field]["f1"] for c in resampled["cases"].values())
        print(f"{field:<11} {before:>9.3f} {after:>9.3f}")
    print("per case F1 (" + ", ".join(FIELDS) + "):")
    for case in cases:
        print(f"  {case} committed {_row(committed, case)}")
        print(f"  {case} again     {_row(resampled, case)}")
    if args.out:
        args.out.write_text(json.dumps({"committed": committed, "again": resampled}, indent=2))
    if args.add_to_baseline:
        try:
            samples = add_resample(ROOT / "evals", resampled, label)
        except EvalError as exc:
            raise SystemExit(f"not added to the baseline: {exc}") from exc
        print(f"added to evals/baseline.json: the gate now reads {samples} samples")
        # re-score the stored records (no model) so evals/report.md shows the new reference
        _, failures = conclude(ROOT / "evals", rescore_stored(ROOT / "evals"))
        print("evals/report.md rewritten; gate: " + ("passes" if not failures else "FAILS"))
        for failure in failures:
            print(f"  {failure}")


if __name__ == "__main__":
    main()
