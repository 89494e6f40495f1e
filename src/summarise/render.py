"""Views of a record: JSON for machines, Markdown for people (shown with rich on a terminal).

Every view shows the grounding verdict beside the item. An unverified item is marked in place
and listed again at the end with its reason, so a reader can never take it for checked fact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from summarise.schema import Check, Record

UNVERIFIED = "⚠ unverified"
REPAIRED = "✓ repaired"
"""A verified item whose words a repair took from the article in place of what the model wrote
(the JSON view keeps that first text in ``check.repaired_from``)."""


def to_json(record: Record) -> str:
    """The record as indented JSON, every check and span included."""
    return record.model_dump_json(indent=2)


NONE_FOUND = "*None in the article.*"
"""What a record's section shows when its list is empty, where a table of headers alone would
look like a rendering fault (an article may quote nobody, or hold no number worth listing)."""


def _cell(text: str) -> str:
    """Make ``text`` safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _mark(check: Check) -> str:
    if not check.verified:
        return UNVERIFIED
    return REPAIRED if check.repaired_from is not None else "✓"


def markdown_table(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, empty: str = NONE_FOUND
) -> list[str]:
    """A Markdown table's lines, every cell escaped; ``empty`` alone when there is no row."""
    body = ["| " + " | ".join(map(_cell, row)) + " |" for row in rows]
    if not body:
        return [empty]
    return ["| " + " | ".join(map(_cell, header)) + " |", "|" + "---|" * len(header), *body]


def to_markdown(record: Record, origin: str) -> str:
    """A readable report: summary, key points, then one table per kind of item."""
    out = [f"# {record.headline}", "", f"*{origin}*", "", record.summary, "", "## Key points"]
    out += [f"- {point}" for point in record.key_points]
    out += ["", "## Entities"]
    out += markdown_table(
        ("name", "type", "role", "as written", "check"),
        ((e.name, e.type, e.role, ", ".join(e.mentions), _mark(e.check)) for e in record.entities),
    )
    out += ["", "## Figures"]
    out += markdown_table(
        ("value", "measures", "evidence", "check"),
        ((f.value, f.measures, f.evidence, _mark(f.check)) for f in record.figures),
    )
    out += ["", "## Quotes"]
    out += markdown_table(
        ("speaker", "quote", "check"),
        ((q.speaker, f"“{q.text}”", _mark(q.check)) for q in record.quotes),
    )
    out += ["", "## Stances"]
    out += markdown_table(
        ("holder", "stance", "target", "evidence", "check"),
        ((s.holder, s.stance, s.target, f"“{s.evidence}”", _mark(s.check)) for s in record.stances),
    )
    if record.ungrounded:
        out += ["", "## Not verified against the article"]
        out += [f"- {line}" for line in record.ungrounded]
    p = record.provenance
    out += [
        "",
        f"<sub>{p.model} ({p.backend}) · prompt {p.prompt_version} · schema {p.schema_version} · "
        f"{p.usage.prompt_tokens}+{p.usage.completion_tokens} tokens · {p.latency_s:.1f} s · "
        f"{p.attempts} attempt(s)</sub>",
    ]
    return "\n".join(out) + "\n"
