"""The article's spellings of an entity's name, found by code (summarise.mentions)."""

from __future__ import annotations

import pytest

from summarise.mentions import spellings

ARTICLE = (
    "U.S. Defense Secretary Pete Hegseth met NATO Secretary-General Mark Rutte in Brussels.\n"
    "Hegseth's visit came as Rut, as one translation spelled him, said Nato was ready.\n"
    "Pit Hegset also praised the Dutch hosts in the Hague. Russian officials stayed away.\n"
    "The United States and the State Department agreed. Columbia University and Princeton "
    "University sent experts from the Intergovernmental Panel on Climate Change.\n"
    "Lithuania's Dovilė Šakalienė spoke; the riders' union objected.\n"
)

CASES = {
    "full-name-and-surname-and-possessive": (
        "Pete Hegseth", True, ["Pete Hegseth", "Hegseth", "Hegset"],
    ),
    "title-in-the-name-clipped-surname": (
        "NATO Secretary-General Mark Rutte", True,
        ["NATO Secretary-General Mark Rutte", "Rut"],
    ),
    "whole-name-in-another-case": ("NATO", False, ["NATO", "Nato"]),
    "lowercase-article-in-a-place-name": ("The Hague", False, ["the Hague"]),
    "adjective-is-another-word": ("Russia", False, []),
    "one-common-word-is-not-an-organisation": ("United States", False, ["United States"]),
    "not-one-shared-word": ("Princeton University", False, ["Princeton University"]),
    "not-half-of-a-long-name": ("Oxford Open Climate Change", False, []),
    "accents-differ": ("Dovile Sakaliene", True, ["Dovilė Šakalienė"]),
    "acronym-inside-a-long-name": (
        "North Atlantic Treaty Organization (NATO)", False, ["NATO"],  # "Nato" is not capitals
    ),
    "prose-word-is-not-a-name": ("Riders Union", False, []),
    "never-named": ("Carlos Ruiz", True, []),
}  # fmt: skip


@pytest.mark.parametrize(("name", "person", "expected"), CASES.values(), ids=CASES.keys())
def test_spellings(name: str, person: bool, expected: list[str]) -> None:
    assert spellings(name, ARTICLE, person=person) == expected


def test_each_spelling_is_article_text() -> None:
    for name, person, _ in CASES.values():
        for found in spellings(name, ARTICLE, person=person):
            assert found in ARTICLE


def test_empty_name_has_no_spellings() -> None:
    assert spellings("", ARTICLE, person=True) == []
    assert spellings("...", ARTICLE, person=False) == []
