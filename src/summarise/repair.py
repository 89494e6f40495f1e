"""Targeted repair: ask again only for the spans that failed grounding, not for a whole record.

Re-asking for the whole record costs a second full generation (the dominant cost on a small
local model) and can break items that were right. A repair names each failed stance evidence
by its id, shows what the model wrote and the few article sentences nearest to it (not the
whole article: :data:`EXCERPT_SENTENCES`), and asks for the exact words, or null when the
excerpt has none. Each fix is checked again like any span; an item whose fix still
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
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from summarise import prompts
from summarise.schema import Check, CheckedDraft, FilledDraft
from summarise.sentences import Sentences


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


EXCERPT_SENTENCES = 3
"""How many article sentences a repair request shows for each failed item: the ones nearest to
what the model wrote. A paraphrase is nearest to the sentence it paraphrases, and three leave
room for a near tie. With the whole article, the three re-asks of an eval recording took 830-1,231
prompt tokens to mend one or two short phrases; with the excerpt, 551-578 (embedded model:
about 4-8 seconds less reading each)."""


FRAME_TOKENS = 64
"""Answer tokens a repair is allowed for its JSON around the fixes (``{"fixes": [...]}``)."""

TOKENS_PER_FIX = 128
"""Answer tokens a repair is allowed per failed item: a fix is an item id and at most one article
sentence (the recorded repairs wrote 23-69 tokens for their one fix). A budget this tight ends a
looping answer early: on case 004 read cold, a repair answer written in compact JSON (branch
``perf/compact-kp``) ran on to the record's 3,072-token cap, about five minutes."""


def answer_budget(failed: list[Target]) -> int:
    """The most answer tokens to allow a repair of ``failed``: the JSON's frame, then per fix."""
    return FRAME_TOKENS + TOKENS_PER_FIX * len(failed)


@dataclass(frozen=True)
class Target:
    """A failed stance evidence the model is asked to fix."""

    item: str
    wrote: str
    about: str


def targets(grounded: CheckedDraft) -> list[Target]:
    """The failed spans a re-ask could mend: stance evidence not in the article."""
    found: list[Target] = []
    for index, stance in enumerate(grounded.stances):
        if not stance.check.verified:
            about = f"shows the stance of {stance.holder} ({stance.stance}) on {stance.target}"
            found.append(Target(f"stances[{index}]", stance.evidence, about))
    return found


def excerpt(article: str, failed: list[Target]) -> str:
    """The sentences of ``article`` nearest to each failed item's text, in the article's order.

    :data:`EXCERPT_SENTENCES` per item, by rapidfuzz ``token_set_ratio`` (case and punctuation
    ignored), one per line.
    """
    sentences = list(Sentences.of(article))
    chosen = {
        index
        for target in failed
        for _, _, index in process.extract(
            target.wrote,
            sentences,
            scorer=fuzz.token_set_ratio,
            processor=default_process,
            limit=EXCERPT_SENTENCES,
        )
    }
    return "\n".join(sentences[index] for index in sorted(chosen))


def messages(article: str, failed: list[Target]) -> list[dict[str, Any]]:
    """The repair conversation: its own short instructions, an excerpt, the failed items."""
    user = prompts.render("repair.user", excerpt=excerpt(article, failed), items=failed)
    return [
        {"role": "system", "content": prompts.render("repair.system")},
        {"role": "user", "content": user},
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
