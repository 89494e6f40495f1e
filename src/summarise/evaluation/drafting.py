"""Gold drafting: turn a model's record into a gold file a person then corrects and signs off.

A draft saves typing, not judgement: it is written with ``reviewed: false``, and the eval refuses
unreviewed gold, so no model output becomes truth until a person has read the article and fixed
the draft. Items the grounding check could not verify are kept and named in ``notes`` so the
reviewer looks at them first.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from summarise.evaluation.gold import (
    GoldCase,
    GoldEntity,
    GoldFigure,
    GoldKeyPoint,
    GoldQuote,
    GoldStance,
)
from summarise.schema import Record


def draft_gold(record: Record, case_id: str, article: Path, gold_dir: Path) -> GoldCase:
    """A gold case built from ``record``, marked unreviewed."""
    unverified = record.ungrounded
    notes = f"Drafted from {record.provenance.model} (prompt {record.provenance.prompt_version})."
    if unverified:
        notes += " Not found in the article, check first: " + " | ".join(unverified)
    return GoldCase(
        case=case_id,
        article=os.path.relpath(article.resolve(), gold_dir.resolve()),
        reviewed=False,
        notes=notes,
        headline=record.headline,
        key_points=[GoldKeyPoint(text=point) for point in record.key_points],
        entities=[
            # an entity the article never names keeps its name as a form; it is in ``notes``
            GoldEntity(name=e.name, type=e.type, surface_forms=e.mentions or [e.name])
            for e in record.entities
        ],
        figures=[
            GoldFigure(value=f.value, number=f.number, unit=f.unit, measures=f.measures)
            for f in record.figures
        ],
        quotes=[GoldQuote(speaker=q.speaker, text=q.text) for q in record.quotes],
        stances=[
            GoldStance(holder=s.holder, target=s.target, stance=s.stance, evidence=s.evidence)
            for s in record.stances
        ],
    )


def write_gold(gold: GoldCase, path: Path) -> None:
    """Write a gold case as YAML, fields in schema order, unicode kept readable."""
    data = gold.model_dump(mode="json")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
