"""The hand-written gold files load, are reviewed, and every span they cite is in the article.

``ignore_text`` entries are whole lines of page furniture (subheadings, footers). A span counts
as found only if it occurs in the article with those lines removed, so gold cannot be grounded
in boilerplate, and each ignored entry must really be a line of the article.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from summarise.evaluation.gold import GoldCase, load_gold_case, load_gold_story
from summarise.grounding import locate
from summarise.normalisation import normalise
from summarise.numbers import parse_numbers, same_number

GOLD = Path(__file__).resolve().parents[1] / "evals" / "gold"
STORY = GOLD / "story.yaml"
CASE_FILES = sorted(p for p in GOLD.glob("*.yaml") if p != STORY)


def _body(case: GoldCase, path: Path) -> str:
    """The article text without the lines listed in ``ignore_text``."""
    return case.body(case.article_text(path))


def _spans(case: GoldCase) -> Iterator[tuple[str, str]]:
    """Every (label, text) the gold claims is verbatim in the article."""
    yield from (("quote", q.text) for q in case.quotes)
    yield from (("stance evidence", s.evidence) for s in case.stances)
    yield from (("surface form", form) for e in case.entities for form in e.surface_forms)
    yield from (("figure value", f.value) for f in case.figures)


def _bodies() -> dict[str, str]:
    """Case id -> article body, for every case gold file."""
    return {case.case: _body(case, p) for p, case in ((p, load_gold_case(p)) for p in CASE_FILES)}


def test_gold_files_exist() -> None:
    assert STORY.is_file()
    assert len(CASE_FILES) >= 3


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_is_reviewed_and_well_formed(path: Path) -> None:
    case = load_gold_case(path)
    assert case.reviewed, f"{path.name} is not reviewed"
    assert path.stem == case.case
    assert Path(case.article).name.startswith(f"{case.case}_")
    assert case.headline.strip()
    assert 4 <= sum(not k.optional for k in case.key_points) <= 8
    names = [e.name for e in case.entities]
    assert len(names) == len(set(names)), "duplicate entity names"
    for figure in case.figures:  # a digit-written value states its number ("40,000": 40000)
        if figure.number is not None and any(c.isdigit() for c in figure.value):
            assert any(same_number(figure.number, v) for v in parse_numbers(figure.value)), figure


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_ignore_text_is_whole_lines_of_the_article(path: Path) -> None:
    case = load_gold_case(path)
    lines = {normalise(line) for line in case.article_text(path).splitlines()}
    assert [t for t in case.ignore_text if normalise(t) not in lines] == []


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_spans_are_in_the_article_body(path: Path) -> None:
    case = load_gold_case(path)
    body = _body(case, path)
    missing = [f"{label} {text!r}" for label, text in _spans(case) if locate(text, body) is None]
    assert missing == []


def test_story_evidence_is_in_the_named_articles() -> None:
    story = load_gold_story(STORY)
    bodies = _bodies()
    assert story.reviewed
    assert set(story.cases) <= set(bodies)  # other cases are single articles of other events
    cited: list[tuple[str, str]] = []
    for fact in story.shared_facts:
        assert sorted(fact.sources) == sorted(story.cases), fact.text
        assert sorted(fact.evidence) == sorted(story.cases), fact.text
    for fact in story.partial_facts:
        assert 0 < len(fact.sources) < len(story.cases), fact.text
        assert sorted(fact.evidence) == sorted(fact.sources), fact.text
    for fact in [*story.shared_facts, *story.partial_facts]:
        cited += fact.evidence.items()
    for tension in story.tensions:
        assert len(tension.positions) >= 2, tension.about
        cited += tension.positions.items()
    cited += [(stance.source, stance.evidence) for stance in story.stances]
    unknown = [case_id for case_id, _ in cited if case_id not in bodies]
    assert unknown == []
    missing = [(cid, text) for cid, text in cited if locate(text, bodies[cid]) is None]
    assert missing == []


def test_story_entities_cover_the_cases() -> None:
    story = load_gold_story(STORY)
    bodies = _bodies()
    story_forms = {form for entity in story.entities for form in entity.surface_forms}
    orphans = [f for f in story_forms if not any(locate(f, b) is not None for b in bodies.values())]
    assert orphans == []
    cases = (load_gold_case(path) for path in CASE_FILES)
    case_forms = {
        form
        for case in cases
        if case.case in story.cases
        for entity in case.entities
        for form in entity.surface_forms
    }
    assert sorted(case_forms - story_forms) == []
