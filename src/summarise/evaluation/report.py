"""The eval report: per-case and per-field scores, the quality gate, and what changed.

A report is plain data (it round-trips through ``evals/report.json``), so the same functions
compare a fresh run with the committed baseline, print the terminal table, and write Markdown.
The gate reads one readable config, ``evals/quality.toml``: a floor per field, and a tolerance
for how far any field may fall below the baseline (its lowest accepted sample) before the eval
fails.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any

from summarise.errors import EvalError
from summarise.evaluation.scorers import SCORERS, FieldScore
from summarise.schema import Record

HEADLINE_DETAILS = {
    "stances": ("f_avg", "macro_f1"),
    "key_points": ("lead_f1",),
    "grounding": ("hallucinations", "repaired"),
}


@dataclass(frozen=True)
class CaseResult:
    """The scores of one case, with the provenance of the record scored."""

    case_id: str
    scores: Mapping[str, FieldScore]
    record: Record

    def to_json(self) -> dict[str, Any]:
        """Plain data for report.json."""
        p = self.record.provenance
        return {
            "model": p.model,
            "prompt_version": p.prompt_version,
            "schema_version": p.schema_version,
            "prompt_tokens": p.usage.prompt_tokens,
            "completion_tokens": p.usage.completion_tokens,
            "latency_s": p.latency_s,
            "attempts": p.attempts,
            "fields": {
                name: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "details": {k: round(v, 4) for k, v in s.details.items()},
                    "reasons": list(s.reasons),
                }
                for name, s in self.scores.items()
            },
        }


@dataclass
class EvalRun:
    """What one eval run found so far: scored cases, stale cases, and per-case record changes."""

    results: list[CaseResult] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)
    story: dict[str, FieldScore] = field(default_factory=dict)


def summarise_fields(results: list[CaseResult]) -> dict[str, dict[str, float]]:
    """Mean precision, recall and F1 of each field over the cases (each case weighs the same)."""
    table: dict[str, dict[str, float]] = {}
    for name in SCORERS:
        scores = [r.scores[name] for r in results if name in r.scores]
        if not scores:
            continue
        row = {
            "precision": fmean(s.precision for s in scores),
            "recall": fmean(s.recall for s in scores),
            "f1": fmean(s.f1 for s in scores),
        }
        for detail in HEADLINE_DETAILS.get(name, ()):
            values = [s.details[detail] for s in scores if detail in s.details]
            if values:
                row[detail] = fmean(values)
        table[name] = {k: round(v, 4) for k, v in row.items()}
    return table


STORY_PREFIX = "story_"


def build_report(
    results: list[CaseResult],
    stale: Mapping[str, str],
    story: Mapping[str, FieldScore] | None = None,
) -> dict[str, Any]:
    """The whole report as plain data; story fields join the table as ``story_<field>``."""
    first = results[0].record.provenance if results else None
    fields = summarise_fields(results)
    for name, score in (story or {}).items():
        fields[STORY_PREFIX + name] = {
            "precision": round(score.precision, 4),
            "recall": round(score.recall, 4),
            "f1": round(score.f1, 4),
        }
    return {
        "model": first.model if first else None,
        "backend": first.backend if first else None,
        "prompt_version": first.prompt_version if first else None,
        "schema_version": first.schema_version if first else None,
        "fields": fields,
        "stale": dict(stale),
        "cases": {r.case_id: r.to_json() for r in results},
        "story": {
            name: {"f1": round(s.f1, 4), "reasons": list(s.reasons)}
            for name, s in (story or {}).items()
        },
    }


@dataclass(frozen=True)
class Gate:
    """Floors per field (mean F1) and the largest allowed drop against the baseline."""

    floors: Mapping[str, float]
    tolerance: float

    @classmethod
    def load(cls, path: Path) -> Gate:
        """Read ``quality.toml``."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            return cls(floors=dict(data.get("floors", {})), tolerance=float(data["tolerance"]))
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise EvalError(f"{path}: cannot read the quality gate: {exc}") from exc

    def failures(
        self, fields: Mapping[str, Mapping[str, float]], baseline: Mapping[str, Any] | None
    ) -> list[str]:
        """Every way ``fields`` fails the gate, one readable line each (empty: it passes)."""
        problems = []
        for name, floor in self.floors.items():
            f1 = fields.get(name, {}).get("f1")
            if f1 is None:
                problems.append(f"{name}: no score (no current case scored it)")
            elif f1 < floor:
                problems.append(f"{name}: F1 {f1:.3f} is below its floor {floor:.3f}")
        for name, (lowest, samples) in lowest_accepted(baseline).items():
            f1 = fields.get(name, {}).get("f1")
            if f1 is not None and f1 < lowest - self.tolerance:
                of = "" if samples == 1 else f", the lowest of its {samples} accepted samples,"
                problems.append(
                    f"{name}: F1 fell from {lowest:.3f}{of} to {f1:.3f} "
                    f"(more than the tolerance {self.tolerance:.3f})"
                )
        return problems


def lowest_accepted(baseline: Mapping[str, Any] | None) -> dict[str, tuple[float, int]]:
    """Each field's lowest F1 over the baseline's samples, and how many samples had the field.

    The samples are the accepted run (``fields``) and any ``resamples`` of the same pipeline
    (:func:`summarise.evaluation.harness.add_resample`). Why the lowest: on the embedded model
    a re-record of an unchanged pipeline moves a field's mean by up to about 0.12 (entities
    0.720 as committed, 0.598 with every case read cold), so a gate measured against one sample
    fails an unchanged pipeline on noise. A run is a drop only when it is worse than every
    sample the accepted pipeline has given, by more than the tolerance.
    """
    if baseline is None:
        return {}
    samples = [baseline.get("fields", {}), *(r["fields"] for r in baseline.get("resamples", []))]
    lowest: dict[str, tuple[float, int]] = {}
    for sample in samples:
        for name, row in sample.items():
            low, seen = lowest.get(name, (row["f1"], 0))
            lowest[name] = (min(low, row["f1"]), seen + 1)
    return lowest


def score_deltas(
    fields: Mapping[str, Mapping[str, float]], baseline: Mapping[str, Any] | None
) -> dict[str, float]:
    """F1 change of each field against the baseline (fields the baseline lacks are omitted)."""
    old_fields = (baseline or {}).get("fields", {})
    return {
        name: round(row["f1"] - old_fields[name]["f1"], 4)
        for name, row in fields.items()
        if name in old_fields
    }


def field_table(report: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> str:
    """The per-field Markdown table: P, R, F1, the change against the baseline, extra numbers.

    "lowest accepted" is what the gate compares with (:func:`lowest_accepted`), with the number
    of samples it is the lowest of.
    """
    deltas = score_deltas(report["fields"], baseline)
    lowest = lowest_accepted(baseline)
    lines = [
        "| field | precision | recall | F1 | Δ F1 vs baseline | lowest accepted | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in report["fields"].items():
        delta = f"{deltas[name]:+.3f}" if name in deltas else "—"
        low = f"{lowest[name][0]:.3f} ({lowest[name][1]})" if name in lowest else "—"
        notes = ", ".join(
            f"{k} {v:.3f}" for k, v in row.items() if k not in ("precision", "recall", "f1")
        )
        lines.append(
            f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} "
            f"| {delta} | {low} | {notes} |"
        )
    return "\n".join(lines)


def to_markdown(report: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> str:
    """The human report: the field table, then each case with the reasons for points lost."""
    out = [
        "# Eval report",
        "",
        f"Model `{report['model']}` ({report['backend']}), prompt `{report['prompt_version']}`, "
        f"schema `{report['schema_version']}`. Scores are means over cases; each field is "
        "aligned one-to-one against hand-written gold before counting.",
        "",
        field_table(report, baseline),
    ]
    if report["stale"]:
        out += ["", "## Stale cases (not scored)", ""]
        out += [f"- {case}: {why}" for case, why in report["stale"].items()]
    for name, story_field in report.get("story", {}).items():
        if story_field["reasons"]:
            reasons = story_field["reasons"]
            out += ["", f"<details><summary>story {name}: {len(reasons)} point(s) lost</summary>"]
            out += ["", *(f"- {reason}" for reason in reasons), "", "</details>"]
    for case_id, case in report["cases"].items():
        out += [
            "",
            f"## Case {case_id}",
            "",
            f"{case['prompt_tokens']} prompt + {case['completion_tokens']} completion tokens, "
            f"{case['latency_s']:.1f} s when recorded, {case['attempts']} attempt(s).",
            "",
            "| field | P | R | F1 |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {name} | {f['precision']:.2f} | {f['recall']:.2f} | {f['f1']:.2f} |"
            for name, f in case["fields"].items()
        ]
        for name, f in case["fields"].items():
            if f["reasons"]:
                out += [
                    "",
                    f"<details><summary>{name}: {len(f['reasons'])} point(s) lost</summary>",
                    "",
                ]
                out += [f"- {reason}" for reason in f["reasons"]]
                out += ["", "</details>"]
    return "\n".join(out) + "\n"


def write_report(
    folder: Path, report: Mapping[str, Any], baseline: Mapping[str, Any] | None
) -> None:
    """Write ``report.json`` and ``report.md`` into ``folder``."""
    write_json(folder / "report.json", report)
    (folder / "report.md").write_text(to_markdown(report, baseline), encoding="utf-8")


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as indented JSON, as the committed eval files are (reviewed in diffs)."""
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file as data, or ``None`` when it does not exist."""
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
