"""A figure's evidence, found by code: the article sentence that states the figure.

The model names a figure's value and what it measures; which sentence shows it is a lookup,
not a judgement. Asked to copy "a few words around it", the embedded model paraphrased six of
the nine it wrote for values its articles hold (the six eval cases at 8a94a14: five snapped back
to their sentence by code, one left flagged) and spent about an eighth of its answer tokens on
the copies. Code finds the sentence exactly and at once.

Among the sentences that hold the value, the one whose words best match what the figure
measures is chosen (a value repeated in the article, "5%" of the target and "5%" of a poll,
goes to the sentence about its measure); on equal match, the article's first. A value the
article does not hold gets no evidence, and grounding flags it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from summarise.grounding import NormalisedSource
from summarise.schema import FigureDraft, PlacedFigure
from summarise.sentences import Sentences

__all__ = ["place_all"]


def _evidence(
    figure: FigureDraft,
    sentences: Sequence[tuple[str, NormalisedSource]],
    source: NormalisedSource,
) -> str:
    """The sentence that holds ``figure``'s value and best matches its measure ("" if none)."""
    candidates = [text for text, held in sentences if held.find(figure.value) is not None]
    if not candidates:
        # Held, but across a cut the sentence splitter made: the value alone is still verbatim.
        return figure.value if source.find(figure.value) is not None else ""
    about = " ".join(filter(None, (figure.measures, figure.unit)))
    return max(
        candidates,
        key=lambda sentence: fuzz.token_set_ratio(about, sentence, processor=default_process),
    )


def place_all(figures: Sequence[FigureDraft], text: str) -> list[PlacedFigure]:
    """Each of ``figures`` with the sentence of ``text`` that states it ("" if none does).

    Each sentence is normalised once for all figures, not once per figure.
    """
    sentences = [(s, NormalisedSource.of(s)) for s in Sentences.of(text)]
    source = NormalisedSource.of(text)
    return [
        PlacedFigure(**f.model_dump(), evidence=_evidence(f, sentences, source)) for f in figures
    ]
