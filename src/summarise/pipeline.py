"""From article text to a checked record: render the prompt, ask, ground, repair, flag.

The loop is the product's promise in code. The model drafts; code adds the article's
quotations and their speakers (:mod:`summarise.quotations`, :mod:`summarise.attribution`), the
people it quotes by name, and each figure's sentence (:mod:`summarise.figure_evidence`);
grounding checks every span; code puts the article's own words where the model nearly copied
them (:mod:`summarise.snapping`); what code cannot place is sent back to the model with what was
wrong (``reasks`` times at most); whatever still fails stays in the record *flagged*, never
dropped and never presented as verified. Every repaired item keeps what the model first wrote
(``Check.repaired_from``).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from summarise import prompts, repair, snapping
from summarise.attribution import UNNAMED, attribute, unlisted_speakers
from summarise.backend import MAX_COMPLETION_TOKENS, Backend
from summarise.errors import AnswerError, InputError
from summarise.figure_evidence import place_all
from summarise.grounding import ground
from summarise.key_points import distinct
from summarise.quotations import find_quotations
from summarise.schema import (
    MIN_KEY_POINTS,
    CheckedDraft,
    EntityDraft,
    FilledDraft,
    Provenance,
    QuoteDraft,
    Record,
    RecordDraft,
    Usage,
    schema_hash,
)

DEFAULT_REASKS = 1
# Measured on the embedded model (2026-11-26): tool schema, instructions and chat template come
# to 1,039 prompt tokens (1,772 when the model still copied quotes and spellings and was shown
# a worked example); the margin covers a re-ask's few hundred and other tokenizers. The answer
# is budgeted separately.
PROMPT_OVERHEAD_TOKENS = 3200
MIN_ANSWER_TOKENS = 1536
"""The smallest answer budget a record is asked with; below it the article is refused."""
# English news runs about 4 characters a token; 3 keeps the estimate on the safe side.
CHARS_PER_TOKEN = 3.0


def estimate_tokens(text: str) -> int:
    """A deliberately pessimistic token estimate, used only to refuse what cannot fit."""
    return int(len(text) / CHARS_PER_TOKEN) + 1


def answer_budget(text: str, context_tokens: int) -> int:
    """The answer tokens to ask for: the full budget, or what a small context leaves.

    Refuses an article the context cannot hold with at least :data:`MIN_ANSWER_TOKENS` of
    answer, rather than letting the server truncate it or cut the record off.
    """
    usable = context_tokens - PROMPT_OVERHEAD_TOKENS - MIN_ANSWER_TOKENS
    if usable <= 0:
        raise InputError(
            f"the model's context ({context_tokens} tokens) cannot hold the instructions and a "
            f"record; it needs more than {PROMPT_OVERHEAD_TOKENS + MIN_ANSWER_TOKENS} "
            "(--context-tokens, if the server has more)"
        )
    needed = estimate_tokens(text)
    if needed > usable:
        raise InputError(
            f"article is too long for the model's context (about {needed} tokens, room for "
            f"{usable}); split it, or use a backend with a larger context (--base-url)"
        )
    return min(MAX_COMPLETION_TOKENS, context_tokens - PROMPT_OVERHEAD_TOKENS - needed)


def first_messages(article: str) -> list[dict[str, Any]]:
    """The opening conversation: instructions, then the article as data."""
    return [
        {"role": "system", "content": prompts.render("record.system")},
        {"role": "user", "content": prompts.render("record.user", article=article)},
    ]


QUOTED_ROLE = "quoted in the article"
"""The role of a person code adds to the entities because the article quotes them by name."""


def filled(draft: RecordDraft, text: str) -> FilledDraft:
    """``draft`` with what code finds in the article.

    Its quotations and their speakers; each person it quotes by name whom the model did not
    list as an entity (the embedded model often stops listing people after the first few:
    case 005 had Hansen but not the Mann and Oppenheimer it quotes); each figure's sentence.
    Key points that restate an earlier one are dropped (:mod:`summarise.key_points`).
    """
    quotations = find_quotations(text)
    speakers = attribute(text, quotations, draft.entities)
    quotes = [
        QuoteDraft(speaker=speaker or UNNAMED, text=quotation.text)
        for quotation, speaker in zip(quotations, speakers, strict=True)
    ]
    quoted = [
        EntityDraft(name=name, type="person", role=QUOTED_ROLE)
        for name in unlisted_speakers(speakers, draft.entities)
    ]
    return FilledDraft(
        **{
            **dict(draft),
            "key_points": distinct(draft.key_points, at_least=MIN_KEY_POINTS),
            "entities": [*draft.entities, *quoted],
            "figures": place_all(draft.figures, text),
        },
        quotes=quotes,
    )


def mend(draft: FilledDraft, text: str) -> tuple[FilledDraft, CheckedDraft]:
    """Ground ``draft``, let code replace the near-misses, and ground what results."""
    grounded = ground(draft, text)
    snapped = snapping.snap(draft, grounded, text)
    return (draft, grounded) if snapped == draft else (snapped, ground(snapped, text))


def summarise_text(text: str, backend: Backend, *, reasks: int = DEFAULT_REASKS) -> Record:
    """Produce the checked record of ``text`` with ``backend``.

    One full extraction, the code repair, then up to ``reasks`` targeted re-asks for the spans
    code could not place (see :mod:`summarise.repair`); whatever still fails stays flagged. A
    re-ask whose answer is cut off or invalid loses nothing: the record keeps its spans, flagged.
    """
    budget = answer_budget(text, backend.settings.context_tokens)
    started = time.perf_counter()
    reply = backend.extract(first_messages(text), max_tokens=budget)
    usage, attempts = reply.usage, 1
    first = filled(reply.draft, text)
    draft, grounded = mend(first, text)
    for _ in range(reasks):
        failed = repair.targets(grounded)
        if not failed:
            break
        attempts += 1
        try:
            fixes = backend.ask(
                repair.messages(text, failed),
                repair.Repairs,
                repair=True,
                max_tokens=repair.answer_budget(failed),
            )
        except AnswerError:
            break  # a repair is a second chance, not a condition: the failed spans stay flagged
        usage = Usage(
            prompt_tokens=usage.prompt_tokens + fixes.usage.prompt_tokens,
            completion_tokens=usage.completion_tokens + fixes.usage.completion_tokens,
        )
        draft, grounded = mend(repair.apply(draft, fixes.draft, failed), text)
    provenance = Provenance(
        model=backend.model,
        backend=backend.settings.kind,
        prompt_version=prompts.prompt_version(),
        schema_version=schema_hash(),
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        usage=usage,
        latency_s=round(time.perf_counter() - started, 3),
        attempts=attempts,
    )
    return Record(**dict(repair.note(first, grounded)), provenance=provenance)
