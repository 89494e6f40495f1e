"""What changed between two records of the same article, field by field, for humans.

Shown after a re-recording run next to the score deltas, so a prompt change is judged by what it
did to the records (which quotes appeared or vanished, which stances flipped), not only by numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from summarise.schema import Record

T = TypeVar("T")


def _list_diff(name: str, old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> list[str]:
    before, after = [key(i) for i in old], [key(i) for i in new]
    return [f"- {name}: {k}" for k in before if k not in after] + [
        f"+ {name}: {k}" for k in after if k not in before
    ]


def record_diff(old: Record | None, new: Record) -> list[str]:
    """Lines ``- field: item`` / ``+ field: item`` / ``~ field: change``; empty when equal."""
    if old is None:
        return ["+ (first recording of this case)"]
    lines = [
        f"~ {name}: {getattr(old, name)!r} -> {getattr(new, name)!r}"
        for name in ("headline", "summary")
        if getattr(old, name) != getattr(new, name)
    ]
    lines += _list_diff("key point", old.key_points, new.key_points, str)
    lines += _list_diff("entity", old.entities, new.entities, lambda e: e.name)
    lines += _list_diff("figure", old.figures, new.figures, lambda f: f"{f.value} ({f.measures})")
    lines += _list_diff("quote", old.quotes, new.quotes, lambda q: f"{q.speaker}: {q.text!r}")
    lines += _list_diff(
        "stance", old.stances, new.stances, lambda s: f"{s.holder} {s.stance} {s.target!r}"
    )
    if len(old.ungrounded) != len(new.ungrounded):
        lines.append(f"~ unverified items: {len(old.ungrounded)} -> {len(new.ungrounded)}")
    return lines
