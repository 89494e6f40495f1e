"""Is the naive call really better on a field, or was its one sample a lucky draw?

Run on demand (about 9 minutes for eight cases, nothing else on the CPU; needs the embedded model):

    .venv/bin/python benchmarks/naive_samples.py --pipeline-resample cold.json

where ``cold.json`` is what ``benchmarks/resample.py --out cold.json`` wrote for the same commit.

Every record on this model is one draw: llama.cpp gives another record for the same prompt when
it is read in one piece (cold) than after a shared prefix was cached (warm). ``bench.py`` asks
the naive call for its batch on one server, so its first article is read cold and the others
warm; this script asks it again for every eval article, each in a server of its own (cold), and
prints each field's mean F1 over both naive samples beside the pipeline's two: the committed
eval report (recorded warm) and a cold resample. A difference between the contestants that is
smaller than the difference between one contestant's two samples is not a finding.

It then compares the two contestants case by case (:mod:`summarise.evaluation.paired`): each
field's mean difference, its 95% bootstrap interval and a sign-flip test over the cases, so a
verdict says whether a gap can be told from sampling noise on this many cases. To re-read
naive samples stored by an earlier ``--out`` instead of asking the model again (seconds):

    .venv/bin/python benchmarks/naive_samples.py --naive-from benchmarks/naive-samples.json \
        --pipeline-resample benchmarks/resample-neutral-name-cold.json

``--records DIR`` keeps each new naive record (``resample.py --records DIR`` keeps the
pipeline's), so that after a scorer changes every sample can be judged again, without the
model, by this checkout's scorers (the naive cold records, the committed ``evals/outputs`` and
the pipeline's cold records):

    .venv/bin/python benchmarks/naive_samples.py --rescore benchmarks/records/naive-cold \
        benchmarks/records/pipeline-cold
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from bench import F1_DIGITS, ROOT, SEEDS, _f1_by_field, naive_call

from summarise.evaluation.paired import paired_difference

NAIVE = ("naive batch", "naive cold")
FIELDS = ("entities", "figures", "quotes", "speakers", "stances", "key_points", "grounding")


def _naive_cold(
    cases: list[str] | None = None, records: Path | None = None
) -> dict[str, dict[str, float]]:
    """Each eval article's naive record (or only ``cases``'), read cold in a new server.

    With ``records``, each record is kept there too (``<case>.json``), so that a later scorer
    can judge the same answers again without the model.
    """
    from summarise.backend import BackendSettings
    from summarise.embedded import model_path, serve

    gguf = model_path(None)
    model = BackendSettings.from_environment(model_path=str(gguf), environ={}).model or ""
    scores: dict[str, dict[str, float]] = {}
    for article in SEEDS:
        if cases and article.name[:3] not in cases:
            continue
        with serve(gguf, lazy_grammar=False) as url:  # as bench.py serves the naive call
            answer = naive_call(url, model, article.read_text(encoding="utf-8"), article.name)
        scores[article.name[:3]] = answer["f1"]
        if records:
            records.mkdir(parents=True, exist_ok=True)
            kept = json.dumps(answer["record"], indent=2, ensure_ascii=False) + "\n"
            (records / f"{article.name[:3]}.json").write_text(kept, encoding="utf-8")
        print(f"{article.name}: naive read cold {answer['seconds']:.1f} s", flush=True)
    return scores


def _rescored(folder: Path) -> dict[str, dict[str, float]]:
    """Each eval case's record kept in ``folder`` (``<case>.json``), scored by this checkout."""
    from summarise.schema import Record

    scores: dict[str, dict[str, float]] = {}
    for article in SEEDS:
        kept = folder / f"{article.name[:3]}.json"
        if kept.exists():
            record = Record.model_validate_json(kept.read_text(encoding="utf-8"))
            scores[article.name[:3]] = _f1_by_field(record, article.name)
    return scores


def _from_bench(path: Path) -> dict[str, dict[str, float]]:
    results = json.loads(path.read_text(encoding="utf-8"))
    return {name[:3]: a["naive"]["f1"] for name, a in results["articles"].items()}


def _from_report(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """A report's F1 per case and field, rounded as ``bench.py`` rounds a naive record's.

    Unrounded, figures' p was 0.047 against 0.062 with both sides rounded alike (see
    :data:`bench.F1_DIGITS`).
    """
    return {
        case: {field: round(scores["f1"], F1_DIGITS) for field, scores in found["fields"].items()}
        for case, found in report["cases"].items()
    }


def _mean(sample: dict[str, dict[str, float]], field: str, cases: list[str]) -> float:
    return statistics.fmean(sample[case][field] for case in cases)


def _by_case(
    samples: dict[str, dict[str, dict[str, float]]], contestant: str, field: str
) -> dict[str, list[float]]:
    """Case -> ``field``'s F1 in each of ``contestant``'s samples that has the case."""
    scores: dict[str, list[float]] = {}
    for name, sample in samples.items():
        if name.startswith(contestant):
            for case, fields in sample.items():
                scores.setdefault(case, []).append(fields[field])
    return scores


def _print_paired(samples: dict[str, dict[str, dict[str, float]]]) -> None:
    """Pipeline against naive, case by case, each case the mean of a contestant's samples.

    Every case both contestants have a sample of counts, whatever number of samples each has.
    """
    print("\npipeline - naive, case by case (mean of each side's samples), 95% interval, p:")
    for field in FIELDS:
        pipeline, naive = (_by_case(samples, who, field) for who in ("pipeline", "naive"))
        found = paired_difference(pipeline, naive)
        verdict = {"a": "pipeline better", "b": "naive better"}.get(found.verdict, found.verdict)
        print(
            f"{field:<11}{found.mean:+8.3f}  [{found.low:+.3f}, {found.high:+.3f}]"
            f"  p={found.p_value:.3f}  {verdict} ({found.cases} cases)"
        )


def _samples(args: argparse.Namespace) -> dict[str, dict[str, dict[str, float]]]:
    """The naive samples (asked now, or read from ``--naive-from``) and the pipeline's two."""
    resampled = json.loads(args.pipeline_resample.read_text(encoding="utf-8"))
    if args.naive_from:
        stored = json.loads(args.naive_from.read_text(encoding="utf-8"))
        naive = {name: stored[name] for name in NAIVE if name in stored}
        if args.cases:
            fresh = _naive_cold(args.cases, args.records)
            naive["naive cold"] = {**naive["naive cold"], **fresh}
    else:
        cold = _naive_cold(args.cases, args.records)
        naive = dict(zip(NAIVE, (_from_bench(args.naive_batch), cold), strict=True))
    if args.without_batch:
        naive.pop("naive batch", None)
    return {
        **naive,
        "pipeline committed": _from_report(resampled["committed"]),
        "pipeline cold": _from_report(resampled["again"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--naive-batch",
        type=Path,
        default=ROOT / "benchmarks" / "results-all.json",
        help="A bench.py results file: the naive batch sample (warm after its first article).",
    )
    parser.add_argument(
        "--pipeline-resample",
        type=Path,
        help="What benchmarks/resample.py --out wrote: the pipeline's cold sample.",
    )
    parser.add_argument(
        "--naive-from",
        type=Path,
        help="Read both naive samples from a file an earlier --out wrote, instead of asking "
        "the model again.",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        help="Ask the naive call again only for these eval cases (e.g. 009 010); with "
        "--naive-from, the stored cold sample keeps the other cases' scores.",
    )
    parser.add_argument("--out", type=Path, help="Also write every sample's scores here.")
    parser.add_argument(
        "--records", type=Path, help="Keep the new naive records (one JSON each) in this folder."
    )
    parser.add_argument(
        "--without-batch",
        action="store_true",
        help="Leave out the naive batch sample (when a scorer changed since it was scored).",
    )
    parser.add_argument(
        "--rescore",
        nargs=2,
        type=Path,
        metavar=("NAIVE_RECORDS", "PIPELINE_RECORDS"),
        help="No model: score the naive cold records and the pipeline cold records an earlier "
        "--records kept, and evals/outputs, with this checkout's scorers.",
    )
    args = parser.parse_args()
    if not args.rescore and not args.pipeline_resample:
        parser.error("give --pipeline-resample, or --rescore to score kept records")
    unknown = set(args.cases or ()) - {article.name[:3] for article in SEEDS}
    if unknown:
        parser.error(f"no eval article for case(s) {', '.join(sorted(unknown))}")

    if args.rescore:
        naive_records, pipeline_records = args.rescore
        samples = {
            "naive cold": _rescored(naive_records),
            "pipeline committed": _rescored(ROOT / "evals" / "outputs"),
            "pipeline cold": _rescored(pipeline_records),
        }
    else:
        samples = _samples(args)
    cases = sorted(set.intersection(*(set(sample) for sample in samples.values())))
    print(f"mean F1 over the {len(cases)} cases every sample has ({', '.join(cases)}):")
    print(f"{'field':<11}" + "".join(f"{name:>20}" for name in samples))
    for field in FIELDS:
        means = "".join(f"{_mean(s, field, cases):>20.3f}" for s in samples.values())
        print(f"{field:<11}{means}")
    _print_paired(samples)
    if args.out:
        args.out.write_text(json.dumps(samples, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
