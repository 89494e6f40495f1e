"""The perfect record: what a system that agreed with the gold on every item would output.

Two uses. The scorer tests corrupt it one field at a time and check that exactly that field's
score drops. The eval scores it next to the model's records to show that the gold itself scores
1.0, so any loss in a report is the model's, not the harness's.

It goes through :func:`~summarise.grounding.ground` like a model's draft, so its checks are
real. Gold has no evidence sentence for a figure, so the sentence of the article that contains
the figure's value stands in for it; each figure keeps gold's number rather than the one code
reads from the value.
"""

from __future__ import annotations

import hashlib

from summarise.evaluation.gold import GoldCase
from summarise.grounding import ground, locate
from summarise.schema import (
    EntityDraft,
    FigureDraft,
    Provenance,
    QuotedDraft,
    QuoteDraft,
    Record,
    StanceDraft,
    Usage,
)
from summarise.sentences import Sentences

__all__ = ["record_from_gold"]


def _evidence(value: str, source: str) -> str:
    """The first sentence of ``source`` containing ``value``; the value itself if none does."""
    for sentence in Sentences.of(source):
        if locate(value, sentence) is not None:
            return sentence
    return value


def record_from_gold(gold: GoldCase, source: str) -> Record:
    """Build the record a perfect system would output for ``source``, optional items included.

    The draft is built without validation (``model_construct``) because gold may rightly have
    no quotes or no stances, which the model-facing draft forbids; the :class:`Record` it
    becomes has no such minimum and is validated as usual.
    """
    draft = QuotedDraft.model_construct(
        headline=gold.headline,
        summary=" ".join(point.text for point in gold.key_points),
        key_points=[point.text for point in gold.key_points],
        entities=[EntityDraft(name=e.name, type=e.type, role="") for e in gold.entities],
        figures=[
            FigureDraft(
                value=f.value,
                unit=f.unit,
                measures=f.measures,
                evidence=_evidence(f.value, source),
            )
            for f in gold.figures
        ],
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
