"""The record: what the model fills (the drafts) and what the tool prints (the checked record).

Two layers, because they answer to different readers. The ``*Draft`` classes are the contract
with the model: their field descriptions are prompt text, sent with every request as the tool
schema, so they are short, concrete and versioned by :func:`schema_hash`. The checked classes
add what only code can know: whether each span was found in the source, and where, and how the
record was produced. Nothing the model says is printed without its check beside it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EntityType = Literal["person", "organisation", "place", "other"]
StanceLabel = Literal["support", "oppose", "mixed", "neutral"]


def _without_field_titles(schema: dict[str, Any]) -> None:
    """Drop the title pydantic gives each field ("Headline" for ``headline``).

    The tool schema is prompt text, read by the model before every article: the titles repeat
    the field names in about 170 of its 1,180 tokens and tell the model nothing.
    """
    for field_schema in schema.get("properties", {}).values():
        field_schema.pop("title", None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_without_field_titles)


# --- What the model fills -------------------------------------------------------------------

MAX_ITEMS = {"key_points": 6, "entities": 16, "figures": 16, "stances": 10}
"""The most items a record may list per field, enforced by the decoding grammar (``maxItems``).

Why: greedy decoding can loop. On a list article (eval case 006) the embedded model repeated the
same three entities until the answer was cut off, and the record was lost. A cap ends such a
loop with the list closed; at typical item sizes a record at every cap is under 2,800 tokens,
inside the answer budget (:data:`summarise.backend.MAX_COMPLETION_TOKENS`). The text fields
have no cap, so a loop inside one item can still be cut off.
Each cap is at or above the most required items any gold case has (6 key points, 14 entities,
9 figures, 10 stances). Quotes have none: code finds them (:class:`FilledDraft`).
Key points stop at six, the field's own "three to six": written before the summary (see
:class:`RecordDraft`) they are full sentences, and with eight allowed the seeds' answers were
1,513 tokens against 1,229 before the move; with six, 1,219.
"""


MIN_KEY_POINTS = 3
"""The fewest key points a record may list (``minItems`` in the decoding grammar), as the
field's own description asks ("three to six"): left at one, the embedded model stopped after two
on seed 000, and every gold case has at least five required facts."""


# The model names an entity once; the article's spellings of the name are found by code
# (summarise.mentions), not copied: copying them cost a quarter of an entity's answer tokens.
# (A draft's docstring is prompt text, sent as the tool schema's description: keep it short.)
# The name's example is a person no eval article names. With seed 000's 'Pete Hegseth' there, the
# model listed the example itself as case 006's only entity (a list article on US state laws) in
# main's cold sample and in three recorded variants; with this one, 006 listed its states in both
# samples.
class EntityDraft(_Strict):
    """A person, organisation or place the article names."""

    name: str = Field(description="Canonical full name, spelled correctly, e.g. 'Jacinda Ardern'.")
    type: EntityType = Field(description="person, organisation, place or other.")
    role: str = Field(description="Who or what it is in this story, a few words.")


# The model names a figure's value and what it measures; the sentence that shows it is found by
# code (summarise.figure_evidence), not copied: copying it cost about an eighth of the answer.
class FigureDraft(_Strict):
    """A number the article reports, with what it measures."""

    value: str = Field(description="The number exactly as written in the article, e.g. '3.5%'.")
    unit: str | None = Field(description="Unit, e.g. 'percent of GDP', 'year'; null if none.")
    measures: str = Field(description="What the number measures, a short phrase.")


class PlacedFigure(FigureDraft):
    """A figure with its evidence: the article's sentence that states it."""

    evidence: str = Field(
        description="The article's sentence that holds the value and best matches what it "
        "measures, found by code; empty when the article does not hold the value."
    )


# Not asked of the model any more: summarise.quotations finds the words and
# summarise.attribution the speaker (see FilledDraft). The docstring and descriptions stay as
# the model read them, for the naive baseline of benchmarks/bench.py, which still asks for quotes.
class QuoteDraft(_Strict):
    """Words the article puts in someone's mouth, inside quotation marks."""

    speaker: str = Field(description="Canonical full name of who said it.")
    text: str = Field(
        description="Words that stand inside quotation marks in the article, copied exactly."
    )


class StanceDraft(_Strict):
    """Who is for or against what, according to the article."""

    holder: str = Field(description="Canonical name of the person, country or group.")
    target: str = Field(description="The proposal or idea, as a short proposition.")
    stance: StanceLabel = Field(description="support, oppose, mixed or neutral.")
    evidence: str = Field(description="A short phrase showing the stance, copied exactly.")


class RecordDraft(_Strict):
    """A structured summary of one news article; every text span is copied from the article."""

    headline: str = Field(description="A one-line headline for the article.")
    # Key points before the summary (the grammar keeps this order): written first, the embedded
    # model states the article's facts in its own sentences; written after a summary, it wrote
    # labels of what it had just said ("Trump's demands"). Key points 0.373 -> 0.432 over ten
    # cases at the same answer length (benchmarks/README.md, "Key points before the summary").
    key_points: list[str] = Field(
        min_length=MIN_KEY_POINTS,
        max_length=MAX_ITEMS["key_points"],
        description="The three to six main facts, one short sentence each.",
    )
    summary: str = Field(description="One or two sentences: what happened, who, and why.")
    entities: list[EntityDraft] = Field(
        min_length=1, max_length=MAX_ITEMS["entities"], description="People, organisations, places."
    )
    # A Sequence, not a list, so that FilledDraft may narrow it to placed figures.
    figures: Sequence[FigureDraft] = Field(
        min_length=1, max_length=MAX_ITEMS["figures"], description="Every number that matters."
    )
    stances: list[StanceDraft] = Field(
        min_length=1, max_length=MAX_ITEMS["stances"], description="Who supports or opposes what."
    )


# --- What code adds -------------------------------------------------------------------------


class FilledDraft(RecordDraft):
    """The model's draft filled in by code: quotations, quoted people, figures' evidence.

    Why code: which words stand inside quotation marks is typography, and the small model
    copied them badly (quote F1 0.36-0.41 on the eval, with speakers mixed up between
    samples) while spending about 14% of its answer on them. A figure's evidence is the article
    sentence that holds its value, which code finds exactly; the model's copies of it were
    often paraphrases (flagged, then snapped back by code) and took about 12% of its answer.
    A person the article quotes by name is an entity whether or not the model listed them.
    """

    # No bounds: they are the decoding grammar's, for the model. Code keeps at least three key
    # points (summarise.key_points), and a draft made elsewhere (the benchmark's naive call,
    # which may list eight) is checked like any other.
    key_points: list[str]
    entities: list[EntityDraft]  # no cap: code may add people the article quotes
    figures: list[PlacedFigure]
    quotes: list[QuoteDraft] = Field(default_factory=list)


class Span(_Strict):
    """Where a text was found in the source: ``source[start:end]`` is the matched text."""

    start: int
    end: int


class Check(_Strict):
    """The grounding verdict on one item: verified with its spans, or flagged with the reason."""

    verified: bool
    spans: list[Span] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    repaired_from: str | None = Field(
        default=None,
        description="What the model first wrote, when a repair put other words in its place.",
    )


class Entity(EntityDraft):
    """An entity with the article's spellings of its name, and the check that there are any."""

    mentions: list[str] = Field(
        description="Every spelling of the name the article uses, as printed, found by code."
    )
    check: Check


class Figure(PlacedFigure):
    """A figure with its plain number, read by code, and the check of its value and evidence."""

    number: float | None = Field(
        description="The value as a plain number (3.5 for '3.5%'); null for a range or no number."
    )
    check: Check


class Quote(QuoteDraft):
    """A quotation found in the article by code, its speaker, and the check of its text."""

    speaker: str = Field(
        description="Who the article says spoke: the record's entity, else the name as the "
        "article gives it; '(not named)' when it names nobody."
    )
    text: str = Field(description="The words inside the quotation marks, as printed.")
    check: Check


class Stance(StanceDraft):
    """A stance with the check that its evidence is verbatim in the source."""

    check: Check


class Usage(_Strict):
    """Tokens spent on the record, summed over every attempt (re-asks included)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


class Provenance(_Strict):
    """How a record was made, so any output can be traced to the exact inputs that produced it."""

    model: str
    backend: str
    prompt_version: str
    schema_version: str
    source_sha256: str
    usage: Usage
    latency_s: float
    attempts: int


class CheckedDraft(_Strict):
    """A draft with every span-bearing item checked against the article (nothing dropped)."""

    headline: str
    summary: str
    key_points: list[str]
    entities: list[Entity]
    figures: list[Figure]
    quotes: list[Quote]
    stances: list[Stance]

    @property
    def ungrounded(self) -> list[str]:
        """Describe every item whose check failed, one line each, for warnings and --strict."""
        items: list[tuple[str, str, Check]] = [
            *(("entity", e.name, e.check) for e in self.entities),
            *(("figure", f.value, f.check) for f in self.figures),
            *(("quote", q.text, q.check) for q in self.quotes),
            *(("stance", f"{s.holder} {s.stance} {s.target}", s.check) for s in self.stances),
        ]
        return [
            f"{kind} {label!r}: {'; '.join(check.problems)}"
            + (f" (the model wrote {check.repaired_from!r})" if check.repaired_from else "")
            for kind, label, check in items
            if not check.verified
        ]


class Record(CheckedDraft):
    """The checked record of one article, with how it was made."""

    provenance: Provenance


def schema_hash() -> str:
    """Return a short content hash of the model-facing schema (field names and descriptions)."""
    blob = json.dumps(RecordDraft.model_json_schema(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]
