"""The story record: several articles on one event, read together as one cross-source digest.

A story answers what a reader of one article cannot see: which facts every source reports,
which only some do, where the sources pull apart, and who stands where according to whom.
Most of it is built by code from the per-article records (:mod:`summarise.story_build`), so it
is deterministic and every piece of it can be traced to a record item. Only the tensions are a
judgement, named by the model; like every model claim they are checked against the articles and
flagged, never dropped, when their positions are not verbatim.

Two layers again, as in :mod:`summarise.schema`: :class:`TensionsDraft` is the contract with the
model (its field descriptions are prompt text), asked for and checked by :func:`name_tensions`,
here beside it; the other classes are what the tool prints, shown by :func:`story_to_markdown`.
Sources are named by their id (a case id such as ``"002"`` or a file name) throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from summarise import prompts
from summarise.backend import Reply
from summarise.grounding import locate
from summarise.render import markdown_table
from summarise.schema import EntityType, StanceLabel

__all__ = [
    "TENSIONS_TEMPLATE", "Asker", "StoryEntity", "StoryFact", "StoryRecord", "StoryStance",
    "Tension", "TensionDraft", "TensionsDraft", "name_tensions", "story_to_markdown",
    "tension_messages",
]  # fmt: skip

UNVERIFIED = "⚠"
TENSIONS_TEMPLATE = "story/tensions.user"
"""The story's own prompt, in ``prompts/story/``. :func:`~summarise.prompts.prompt_version` hashes
every template, this one included, so after a story prompt edit the eval names its cases stale
(the stored story was built with the old prompt) and one re-recording brings all back."""
ModelT = TypeVar("ModelT", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- What the model fills -------------------------------------------------------------------


class TensionDraft(_Strict):
    """One point on which two articles differ, each side in that article's own words."""

    about: str = Field(description="What the two articles disagree or differ on, one sentence.")
    source_a: str = Field(description="Id of the first article, exactly as given, e.g. '000'.")
    position_a: str = Field(
        description="What the first article says on the point, copied exactly from it."
    )
    source_b: str = Field(description="Id of the second article, exactly as given.")
    position_b: str = Field(
        description="What the second article says on the point, copied exactly from it."
    )


class TensionsDraft(_Strict):
    """Where the articles on one story pull apart."""

    tensions: list[TensionDraft] = Field(
        description="Points where two articles contradict each other or frame the story "
        "differently, at most five; empty when they agree on everything."
    )


# --- What code builds -----------------------------------------------------------------------


class StoryEntity(_Strict):
    """One real-world entity, with how each source spells it (misspellings included)."""

    name: str
    type: EntityType
    forms: dict[str, list[str]] = Field(description="Source id -> the mentions it uses.")


class StoryFact(_Strict):
    """A fact and the sources reporting it, with a verbatim sentence of each as evidence.

    A source without an ``evidence`` entry reports the fact according to its record, but no
    sentence of its article could be matched to it; the view flags it rather than hiding it.
    """

    text: str
    sources: list[str] = Field(min_length=1)
    evidence: dict[str, str] = Field(default_factory=dict)


class StoryStance(_Strict):
    """A cell of the stance matrix: what ``source`` says ``holder`` thinks of ``target``."""

    holder: str
    target: str
    source: str
    stance: StanceLabel
    evidence: str
    verified: bool = Field(description="Whether the evidence is verbatim in the source.")


class Tension(_Strict):
    """Sources pulling apart on one point, each position verbatim from its source or flagged."""

    about: str
    positions: dict[str, str] = Field(description="Source id -> what it says, verbatim.")
    verified: bool = Field(description="Whether every position is verbatim in its source.")
    problems: list[str] = Field(default_factory=list)


class StoryRecord(_Strict):
    """The digest of one story across its sources."""

    sources: list[str] = Field(min_length=1)
    entities: list[StoryEntity]
    shared_facts: list[StoryFact] = Field(description="Facts every source reports.")
    partial_facts: list[StoryFact] = Field(description="Facts some but not all sources report.")
    tensions: list[Tension]
    stances: list[StoryStance]


class Asker(Protocol):
    """What :func:`name_tensions` needs of a backend: :meth:`~summarise.backend.Backend.ask`."""

    def ask(self, messages: list[dict[str, Any]], response_model: type[ModelT]) -> Reply[ModelT]:
        """Ask for ``response_model``."""
        ...


# --- Tensions (the model's judgement) -------------------------------------------------------


def tension_messages(
    sources: Mapping[str, str], facts: Sequence[StoryFact]
) -> list[dict[str, Any]]:
    """The one user message asking for tensions; articles are template variables, not source."""
    articles = [{"id": source, "text": text} for source, text in sources.items()]
    facts_seen = [{"text": f.text, "sources": list(f.sources)} for f in facts]
    content = prompts.render(TENSIONS_TEMPLATE, articles=articles, facts=facts_seen)
    return [{"role": "user", "content": content}]


def name_tensions(
    backend: Asker, sources: Mapping[str, str], facts: Sequence[StoryFact]
) -> list[Tension]:
    """Ask the model where the sources pull apart; check every position, drop none.

    A tension is verified when each position is verbatim (after the grounding normalisation) in
    the article it is attributed to; otherwise it is kept, flagged, with the reasons.
    """
    reply = backend.ask(tension_messages(sources, facts), TensionsDraft)
    tensions = []
    for draft in reply.draft.tensions:
        positions: dict[str, str] = {}
        problems: list[str] = []
        for source, position in (
            (draft.source_a, draft.position_a),
            (draft.source_b, draft.position_b),
        ):
            key = source if source not in positions else f"{source} (again)"
            positions[key] = position
            if key != source:
                problems.append(f"both positions are attributed to {source!r}")
            if source not in sources:
                problems.append(f"{source!r} is not one of the sources")
            elif locate(position, sources[source]) is None:
                problems.append(f"position {position!r} is not in {source}")
        tensions.append(
            Tension(
                about=draft.about, positions=positions, verified=not problems, problems=problems
            )
        )
    return tensions


# --- Markdown view --------------------------------------------------------------------------


def _facts(facts: Sequence[StoryFact], *, with_sources: bool) -> list[str]:
    lines: list[str] = []
    for fact in facts:
        named = f" ({', '.join(fact.sources)})" if with_sources else ""
        lines.append(f"- **{fact.text}**{named}")
        for source in fact.sources:
            said = fact.evidence.get(source)
            lines.append(
                f"  - {source}: “{said}”"
                if said
                else f"  - {source}: {UNVERIFIED} no sentence found"
            )
    return lines or ["*None.*"]


def _stance_matrix(story: StoryRecord) -> list[str]:
    """Holder x target rows, one column per source; several cells of one source are joined."""
    rows: dict[tuple[str, str], dict[str, list[str]]] = {}
    for cell in story.stances:
        label = cell.stance if cell.verified else f"{cell.stance} {UNVERIFIED}"
        rows.setdefault((cell.holder, cell.target), {}).setdefault(cell.source, []).append(label)
    return markdown_table(
        ("holder", "target", *story.sources),
        (
            (holder, target, *(", ".join(cells.get(s, [])) or "—" for s in story.sources))
            for (holder, target), cells in rows.items()
        ),
        empty="*None.*",
    )


def story_to_markdown(story: StoryRecord) -> str:
    """A readable digest: entities, shared then partial facts, tensions, the stance matrix.

    Evidence is printed beside every claim and each source gets its own column, so a reader
    compares the sources side by side; ⚠ marks what could not be checked against an article.
    """
    out = [f"# Story from {len(story.sources)} sources: {', '.join(story.sources)}", ""]
    out += ["## Entities"]
    out += markdown_table(
        ("entity", "type", *story.sources),
        (
            (e.name, e.type, *(", ".join(e.forms.get(s, [])) or "—" for s in story.sources))
            for e in story.entities
        ),
        empty="*None.*",
    )
    out += ["", "## Shared facts (every source)", *_facts(story.shared_facts, with_sources=False)]
    out += ["", "## Partial facts (some sources)", *_facts(story.partial_facts, with_sources=True)]
    out += ["", "## Tensions"]
    if not story.tensions:
        out += ["*None named.*"]
    for tension in story.tensions:
        mark = "" if tension.verified else f" {UNVERIFIED}"
        out += ["", f"### {tension.about}{mark}", ""]
        positions = tension.positions
        out += markdown_table(list(positions), [[f"“{p}”" for p in positions.values()]])
        out += [f"- {UNVERIFIED} {problem}" for problem in tension.problems]
    out += ["", "## Stance matrix", *_stance_matrix(story)]
    return "\n".join(out) + "\n"
