"""What in a run of capitalised words is a person's name: titles, institutions, given names.

Attribution (:mod:`summarise.attribution`) reads the words at a speech verb: "Patrol Chief James
Hall with the New York Police Department said". Which of them name a person, which are a title
or an institution, and when two written names are one person, is decided here, from the words
alone and the article's own spellings; no list of first names is used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

TITLES = frozenset(
    [
        "President",
        "Minister",
        "Secretary",
        "Secretary-General",
        "Chancellor",
        "Senator",
        "General",
        "Governor",
        "Mayor",
        "Chief",
        "Prime",
        "Defense",
        "Defence",
        "Foreign",
        "CEO",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lord",
        "Judge",
        "Ambassador",
    ]
)
"""Words of a title before a name ("Defence Minister Margarita Robles"); never a given name."""

NOT_NAMES = frozenset(
    [
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "The",
        "A",
        "An",
        "And",
        "But",
        "So",
        "Yet",
        "Or",
        "In",
        "On",
        "At",
        "As",
        "Then",
        "This",
        "That",
        "These",
        "Those",
        "Meanwhile",
        "However",
        "Still",
        "While",
        "When",
        "Also",
        "Later",
        "Earlier",
    ]
)
"""Capitalised words that start sentences, not names: "But Gates said" is Gates."""

ORGANISATION_NOUNS = frozenset(
    [
        "Administration", "Agency", "Airlines", "Airways", "Army", "Association", "Authority",
        "Bank", "Board", "Bureau", "Center", "Centre", "Commission", "Committee", "Company",
        "Corporation", "Council", "Court", "Department", "Force", "Foundation", "Fund", "Group",
        "House", "Institute", "Ministry", "Navy", "Office", "Organisation", "Organization",
        "Party", "Police", "Service", "Union", "University",
    ]
)  # fmt: skip
"""Last words that make a run of capitalised words an institution, not a person."""

INITIAL = re.compile(r"[A-Z]\.")
"""A middle initial: "M." in "Brian M. Good"."""

SURNAME_SIMILARITY = 75.0


def is_name(word: str) -> bool:
    """A capitalised word in any alphabet ("Gates", "Özdemir", "Δένδιας")."""
    return word[:1].isalpha() and word[:1].isupper()


def is_institution(run: Sequence[str]) -> bool:
    """Whether a run of capitalised words ends in an institution's noun ("Weather Service")."""
    return bool(run) and run[-1].rstrip(".,") in ORGANISATION_NOUNS


def same_surname(written: str, known: str) -> bool:
    """Whether two surnames may be one, forgiving machine translation's "Heggsth" and "Rut"."""
    return written[:1] == known[:1] and fuzz.ratio(written, known) >= SURNAME_SIMILARITY


def written_given_name(kept: Sequence[str], source: str) -> str | None:
    """The given name at the verb, when the article writes it with the surname as a full name.

    Only then: "Ukrainian President Zelensky" leaves "Ukrainian Zelensky" once the title goes,
    which is no name, and in "Secretary of State Rice" the word after "of" belongs to the
    title. A wrong given name would make the record's own person someone else.
    """
    given = given_name(kept)
    if given is None or given.endswith(".") or given.isupper():  # "Sen.", "NATO", "U.S."
        return None
    full = rf"(?<!\bof )(?<!\bfor ){re.escape(given)}\s+(?:[A-Z]\.\s+)?{re.escape(kept[-1])}"
    return given if re.search(full, source) else None


def given_name(words: Sequence[str]) -> str | None:
    """The given name before a surname, past a middle initial; ``None`` for a surname alone."""
    if len(words) >= 3 and INITIAL.fullmatch(words[-2]):
        return words[-3]
    return words[-2] if len(words) >= 2 else None


def same_given_name(written: str | None, known: str | None) -> bool:
    """Whether two given names may be one person's: either missing, or the same initial.

    Only the initial is compared, so "Pete" and "Pit" agree, and so do "M." and "Mark".
    """
    return written is None or known is None or written[:1].upper() == known[:1].upper()
