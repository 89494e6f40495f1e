"""The perfect record: what a system that agreed with the gold on every item would output.

Two uses. The scorer tests corrupt it one field at a time and check that exactly that field's
score drops. The eval scores it next to the model's records to show that the gold itself scores
1.0, so any loss in a report is the model's, not the harness's.

It goes through :func:`~summarise.grounding.ground` like a model's draft, so its checks are
real. Each figure's evidence is placed by code (:mod:`summarise.figure_evidence`), as for the
model's; each figure keeps gold's number rather than the one code reads from the value.
"""

from __future__ import annotations

import hashlib

from summarise.evaluation.gold import GoldCase
from summarise.figure_evidence import place_all
from summarise.grounding import ground
from summarise.schema import (
    EntityDraft,
    FigureDraft,
    FilledDraft,
    Provenance,
    QuoteDraft,
    Record,
    StanceDraft,
    Usage,
)

__all__ = ["record_from_gold"]


def record_from_gold(gold: GoldCase, source: str) -> Record:
    """Build the record a perfect system would output for ``source``, optional items included.

    The draft is built without validation (``model_construct``) because gold may rightly have
    no quotes or no stances, which the model-facing draft forbids; the :class:`Record` it
    becomes has no such minimum and is validated as usual.
    """
    draft = FilledDraft.model_construct(
        headline=gold.headline,
        summary=" ".join(point.text for point in gold.key_points),
        key_points=[point.text for point in gold.key_points],
        entities=[EntityDraft(name=e.name, type=e.type, role="") for e in gold.entities],
        figures=place_all(
            [FigureDraft(value=f.value, unit=f.unit, measures=f.measures) for f in gold.figures],
            source,
        ),
        quotes=[QuoteDraft(speaker=q.speaker, text=q.text) for q in gold.quotes],
        stances=[
            StanceDraft(holder=s.holder, target=s.target, stance=s.stance, evidence=s.evidence)
            for s in gold.stances
        ],
    )
    provenance = Provenance(
        model="gold",
        backend="gold",
        prompt_version="gold",
        schema_version="gold",
        source_sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
        usage=Usage(),
        latency_s=0.0,
        attempts=1,
    )
    checked = ground(draft, source)
    # Code reads a figure's number from its value and an entity's spellings from the article;
    # the perfect record states gold's own (gold may write 0.333 for "one third", and list "The
    # Netherlands" where code finds "Netherlands"), as a system agreeing with gold would.
    figures = [
        figure.model_copy(update={"number": gold_figure.number})
        for figure, gold_figure in zip(checked.figures, gold.figures, strict=True)
    ]
    entities = [
        entity.model_copy(update={"mentions": list(gold_entity.surface_forms)})
        for entity, gold_entity in zip(checked.entities, gold.entities, strict=True)
    ]
    return Record.model_validate(
        {**dict(checked), "entities": entities, "figures": figures, "provenance": provenance}
    )
