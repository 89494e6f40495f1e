"""How far the eval moves when nothing changes but the order of requests: its sampling noise.

Run on demand (about 6 minutes for six cases, nothing else on the CPU; needs the embedded model):

    .venv/bin/python benchmarks/resample.py                     # HEAD, cases in reverse order
    .venv/bin/python benchmarks/resample.py --ref my-branch     # judge a branch the same way

llama.cpp is not bit-reproducible across KV-cache states: the same prompt, read after another
prompt, can give another record. A lever that changes the prompt draws a new sample of every
record, so one recording cannot tell its effect from that noise. This script records the eval
of ``--ref`` again, in a throwaway git worktree, with the cases in reverse order (the servers
then hold other prompts before each case), and prints each field's mean and each case's F1
next to the committed report of the same ref. A change whose loss shows in both orders is the
change's; one that shows in one order only may be noise.

Run two of these one after the other, never at once: two recordings on two cores took 39
minutes instead of 5-6 each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTEST = Path(sys.executable).parent / "pytest"
FIELDS = ("entities", "figures", "quotes", "speakers", "stances", "key_points", "grounding")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout


def _record(worktree: Path, cases: list[str]) -> dict[str, Any]:
    """Record the eval cases in the given order in ``worktree``; return its report."""
    quality = "evals/test_quality.py"
    nodes = [f"{quality}::test_case[{case}]" for case in cases]
    nodes += [f"{quality}::test_story", f"{quality}::test_quality_gate"]
    env = {
        **os.environ,
        "PYTHONPATH": str(worktree / "src"),  # the worktree's code, not the editable install
        "SUMMARISE_CACHE_DIR": str(worktree / ".cache"),
    }
    command = [str(PYTEST), *nodes, "--record-mode=rewrite", "-p", "no:cacheprovider", "-q"]
    # the gate may fail on a resample: that is a finding here, not an error
    subprocess.run(command, cwd=worktree, env=env, check=False, capture_output=True)
    report: dict[str, Any] = json.loads((worktree / "evals" / "report.json").read_text())
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
    parser.add_argument("--out", type=Path, help="Also write both reports' scores as JSON here.")
    args = parser.parse_args()

    committed: dict[str, Any] = json.loads(_git("show", f"{args.ref}:evals/report.json"))
    cases = sorted(committed["cases"])
    with tempfile.TemporaryDirectory(prefix="summarise-resample-") as scratch:
        worktree = Path(scratch) / "tree"
        _git("worktree", "add", "--detach", "-q", str(worktree), args.ref)
        try:
            resampled = _record(worktree, list(reversed(cases)))
        finally:
            _git("worktree", "remove", "--force", str(worktree))
    print(f"{args.ref}: committed report, then the same cases recorded in reverse order")
    print(f"{'field':<11} {'committed':>9} {'reversed':>9}")
    for field in FIELDS:
        before = statistics.fmean(c["fields"][field]["f1"] for c in committed["cases"].values())
        after = statistics.fmean(c["fields"][field]["f1"] for c in resampled["cases"].values())
        print(f"{field:<11} {before:>9.3f} {after:>9.3f}")
    print("per case F1 (" + ", ".join(FIELDS) + "):")
    for case in cases:
        print(f"  {case} committed {_row(committed, case)}")
        print(f"  {case} reversed  {_row(resampled, case)}")
    if args.out:
        args.out.write_text(json.dumps({"committed": committed, "reversed": resampled}, indent=2))


if __name__ == "__main__":
    main()
