"""A quick look at a prompt or schema variant before it is worth a recording: a few cases, one run.

Run on demand (about a minute a case on a slow day, nothing else on the CPU; needs the embedded
model):

    .venv/bin/python benchmarks/screen.py 002 004 009 010              # this checkout
    .venv/bin/python benchmarks/screen.py --tree /tmp/wt/variant 000 003  # another checkout

Each case is summarised in one batch (one pair of servers, an empty prompt-state store, so the
first case is read cold and the rest reuse its prefix), scored against its gold as
``bench.py`` scores (with the key points' lead baseline, ``key_points_lead``), and printed
with its seconds, completion tokens, key points and summary; the last line is the mean of each
field. ``--tree`` runs another checkout's code (a git worktree of a variant) against this
checkout's articles and gold, both in this process and in the model servers it starts.

A screen is one draw: a change of prompt or schema resamples every record, and one case moves
by up to about 0.1 between draws (benchmarks/README.md, "Sampling noise"). It ranks variants
whose differences are large, and the token counts it prints are the model's own; a variant
worth keeping is then recorded and resampled cold (``resample.py``) and benchmarked
(``bench.py``), as for any other change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+", help="eval case ids, e.g. 002 004")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code to run")
    args = parser.parse_args()

    source = str(args.tree.resolve() / "src")
    sys.path.insert(0, source)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    os.environ["SUMMARISE_CACHE_DIR"] = tempfile.mkdtemp(prefix="screen-")

    from bench import _f1_by_field  # the benchmark's scoring against the gold, shared

    from summarise.backend import BackendSettings, connect
    from summarise.embedded import model_path
    from summarise.pipeline import summarise_text

    settings = BackendSettings.from_environment(model_path=str(model_path(None)), environ={})
    rows: dict[str, dict[str, float]] = {}
    with connect(settings) as backend:
        for case in args.cases:
            article = next((ROOT / "evals" / "articles").glob(f"{case}_*.txt"))
            text = article.read_text(encoding="utf-8")
            started = time.perf_counter()
            record = summarise_text(text, backend)
            seconds = time.perf_counter() - started
            rows[case] = _f1_by_field(record, article.name)
            usage = record.provenance.usage
            print(f"{case} {seconds:.1f} s, {usage.completion_tokens} tokens: {rows[case]}")
            for point in record.key_points:
                print(f"    key point: {point}")
            print(f"    summary: {record.summary}", flush=True)
    fields = next(iter(rows.values()))
    means = {
        field: round(statistics.fmean(row[field] for row in rows.values()), 3) for field in fields
    }
    print(f"mean over {len(rows)} case(s): {means}")


if __name__ == "__main__":
    main()
