"""Gold annotations: what a careful human reader says an article's record should contain.

Gold is written by hand in YAML (``evals/gold/*.yaml``) and validated here, so a typo in a field
name is an error rather than a silently ignored annotation. The format gives the annotator the
room real articles need: alternative labels where two readings are fair, optional items that are
not penalised when missing, and text to ignore (page furniture that is not part of the article).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarise.errors import InputError
from summarise.normalisation import normalise
from summarise.schema import EntityType, StanceLabel


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldKeyPoint(_Gold):
    """A fact a good summary must cover."""

    text: str = Field(description="The fact in plain words.")
    optional: bool = Field(default=False, description="True: credit if covered, no penalty if not.")


class GoldEntity(_Gold):
    """An entity with every surface form the article uses for it."""

    name: str = Field(description="Canonical name, e.g. 'Pete Hegseth'.")
    type: EntityType
    surface_forms: list[str] = Field(
        min_length=1, description="Spellings used in the article, misspellings included."
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Other acceptable names, e.g. 'North Atlantic Treaty Organization'.",
    )
    optional: bool = False


class GoldFigure(_Gold):
    """A number the article reports."""

    value: str = Field(description="As written in the article, e.g. '3.5%' or 'five percent'.")
    number: float | None = Field(description="The plain number, e.g. 3.5.")
    unit: str | None = Field(default=None, description="E.g. 'percent of GDP', 'year'.")
    measures: str = Field(description="What it measures.")
    optional: bool = False


class GoldQuote(_Gold):
    """A direct quotation with its speaker."""

    speaker: str = Field(description="Canonical name of the speaker.")
    speaker_aliases: list[str] = Field(
        default_factory=list, description="Other acceptable names for the speaker."
    )
    text: str = Field(description="The quoted words, verbatim from the article.")
    optional: bool = False


class GoldStance(_Gold):
    """A stance record: holder, target proposition, polarity and the evidence for it."""

    holder: str
    holder_aliases: list[str] = Field(default_factory=list)
    target: str = Field(description="The proposition, in plain words.")
    stance: StanceLabel
    alternatives: list[StanceLabel] = Field(
        default_factory=list, description="Other polarities a fair reader could also assign."
    )
    evidence: str = Field(description="Verbatim article text showing the stance.")
    optional: bool = False


class GoldCase(_Gold):
    """The gold annotation of one article."""

    case: str = Field(description="Short id, e.g. '002'.")
    article: str = Field(description="Path of the article, relative to the gold file.")
    reviewed: bool = Field(description="False for drafts: the eval refuses unreviewed gold.")
    notes: str = ""
    ignore_text: list[str] = Field(
        default_factory=list, description="Page boilerplate that is not part of the article."
    )
    headline: str
    key_points: list[GoldKeyPoint]
    entities: list[GoldEntity]
    figures: list[GoldFigure]
    quotes: list[GoldQuote]
    stances: list[GoldStance]

    def article_text(self, gold_path: Path) -> str:
        """Read the article this gold annotates, resolved next to the gold file."""
        return (gold_path.parent / self.article).read_text(encoding="utf-8")

    def body(self, article: str) -> str:
        """The article without the whole lines listed in ``ignore_text`` (page furniture).

        Scoring grounds predictions in this text, so an item found only in a subheading or a
        footer earns no credit.
        """
        ignored = {normalise(text) for text in self.ignore_text}
        return "\n".join(line for line in article.splitlines() if normalise(line) not in ignored)


# --- The story across several articles ------------------------------------------------------


class StoryFact(_Gold):
    """A fact and the articles (by case id) that report it."""

    text: str
    sources: list[str] = Field(min_length=1, description="Case ids of the articles reporting it.")
    evidence: dict[str, str] = Field(
        default_factory=dict, description="Case id -> verbatim text supporting the fact there."
    )


class StoryTension(_Gold):
    """Two or more sources pulling apart on one point."""

    about: str
    positions: dict[str, str] = Field(description="Case id -> what that source says, verbatim.")


class StoryEntity(_Gold):
    """One real-world entity and its surface forms across all sources."""

    name: str
    type: EntityType
    surface_forms: list[str] = Field(min_length=1)


class StoryStance(_Gold):
    """A cell of the stance matrix: holder x target x source."""

    holder: str
    target: str
    source: str
    stance: StanceLabel
    alternatives: list[StanceLabel] = Field(default_factory=list)
    evidence: str


class GoldStory(_Gold):
    """The gold annotation of one story told by several articles."""

    story: str
    cases: list[str] = Field(min_length=2, description="Case ids of the articles in the story.")
    reviewed: bool
    entities: list[StoryEntity]
    shared_facts: list[StoryFact] = Field(description="Facts every source reports.")
    partial_facts: list[StoryFact] = Field(description="Facts some but not all sources report.")
    tensions: list[StoryTension]
    stances: list[StoryStance]


GoldKind = Literal["case", "story"]


def load_gold_case(path: Path) -> GoldCase:
    """Load and validate one article's gold file; a malformed file is an :class:`InputError`."""
    return _validated(GoldCase, path)


def load_gold_story(path: Path) -> GoldStory:
    """Load and validate a story gold file; a malformed file is an :class:`InputError`."""
    return _validated(GoldStory, path)


GoldT = TypeVar("GoldT", GoldCase, GoldStory)


def _validated(model: type[GoldT], path: Path) -> GoldT:
    try:
        return model.model_validate(_load_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            f"{path}: {where}: {first['msg']} ({exc.error_count()} problem(s) in all)"
        ) from exc


def _load_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read gold file: {exc}") from exc


def write_json_schemas(folder: Path) -> list[Path]:
    """Write the JSON schemas of the gold formats, so editors can validate gold files as typed."""
    written = []
    for name, model in (("case", GoldCase), ("story", GoldStory)):
        path = folder / f"gold-{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
