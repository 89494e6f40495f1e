"""Targeted repair: ask again only for the spans that failed grounding, not for a whole record.

Re-asking for the whole record costs a second full generation (the dominant cost on a small
local model) and can break items that were right. A repair names each failed stance evidence
by its id, shows what the model wrote, and asks for the exact words from the article, or null
when the article has none. Each fix is checked again like any span; an item whose fix still
fails, or that the model withdrew, stays in the record, flagged.

It runs after the code repair (:mod:`summarise.snapping`), for what code could not place.
Quotes and figures are never re-asked: code finds quotes in the article
(:mod:`summarise.quotations`) and each figure's sentence (:mod:`summarise.figure_evidence`), so
a figure fails only when the article does not hold its value, and there are no exact words to
give for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from summarise import prompts
from summarise.schema import Check, CheckedDraft, FilledDraft


class SpanFix(BaseModel):
    """The exact article text for one failed item."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(description="The item id exactly as given, e.g. 'stances[1]'.")
    text: str | None = Field(
        description="The exact words from the article, copied character for character; "
        "null if the article has no such words."
    )


class Repairs(BaseModel):
    """One fix per failed item."""

    model_config = ConfigDict(extra="forbid")

    fixes: list[SpanFix] = Field(min_length=1, description="One fix per item listed.")


@dataclass(frozen=True)
class Target:
    """A failed span the model is asked to fix."""

    item: str
    kind: str  # what the text is: "evidence"
    wrote: str
    about: str


def targets(grounded: CheckedDraft) -> list[Target]:
    """The failed spans a re-ask could mend: stance evidence not in the article."""
    found: list[Target] = []
    for index, stance in enumerate(grounded.stances):
        if not stance.check.verified:
            about = f"shows the stance of {stance.holder} ({stance.stance}) on {stance.target}"
            found.append(Target(f"stances[{index}]", "evidence", stance.evidence, about))
    return found


def messages(article: str, failed: list[Target]) -> list[dict[str, Any]]:
    """The repair conversation: its own short instructions, the article, the failed items."""
    return [
        {"role": "system", "content": prompts.render("repair.system")},
        {"role": "user", "content": prompts.render("repair.user", article=article, items=failed)},
    ]


def apply(draft: FilledDraft, repairs: Repairs, failed: list[Target]) -> FilledDraft:
    """The draft with each fixed text put in place; unknown ids and withdrawals change nothing."""
    wanted = {t.item for t in failed}
    stances = list(draft.stances)
    for fix in repairs.fixes:
        if fix.item not in wanted or not fix.text:
            continue
        kind, _, rest = fix.item.partition("[")
        index = int(rest.rstrip("]"))
        if kind == "stances":
            stances[index] = stances[index].model_copy(update={"evidence": fix.text})
    return draft.model_copy(update={"stances": stances})


def _marked(check: Check, first: str, final: str) -> Check:
    if first == final:
        return check
    return check.model_copy(update={"repaired_from": first})


def note(first: FilledDraft, final: CheckedDraft) -> CheckedDraft:
    """``final`` with each repaired span's check naming what the model first wrote.

    Repairs replace texts in place and never add, drop or reorder items, so the i-th item of
    ``final`` is the i-th of ``first``.
    """
    stances = [
        s.model_copy(update={"check": _marked(s.check, f.evidence, s.evidence)})
        for f, s in zip(first.stances, final.stances, strict=True)
    ]
    return final.model_copy(update={"stances": stances})
