"""Run the pipeline over what the user named, and decide the exit code.

Inputs are read first, so a typo in a path fails in a second rather than after the model has
loaded; the backend is opened once, only if some input is readable, and shared by all inputs. One
failing input never stops the others: it gets one line on stderr and raises the exit code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from summarise.errors import EXIT_OK, EXIT_UNGROUNDED, SummariseError


@dataclass(frozen=True)
class RunOptions:
    """What the CLI asked for."""

    output_format: str  # "terminal", "json" or "markdown"
    model: str | None = None
    base_url: str | None = None
    model_path: str | None = None
    reasks: int = 1
    strict: bool = False
    quiet: bool = False


def _say(message: str) -> None:
    print(f"summarise: {message}", file=sys.stderr, flush=True)


def _show(origin: str, record: object, options: RunOptions, several: bool, out: TextIO) -> None:
    import json

    from summarise.render import to_json, to_markdown
    from summarise.schema import Record

    assert isinstance(record, Record)
    if options.output_format == "json":
        if several:
            line = {"source": origin, "record": json.loads(record.model_dump_json())}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        else:
            out.write(to_json(record) + "\n")
    elif options.output_format == "markdown":
        out.write(to_markdown(record, origin) + "\n")
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        Console(file=out).print(Markdown(to_markdown(record, origin)))
    out.flush()


def run_inputs(specs: list[str], options: RunOptions, out: TextIO = sys.stdout) -> int:
    """Summarise every input; return the exit code (the worst outcome wins)."""
    from summarise.backend import BackendSettings, connect
    from summarise.pipeline import summarise_text
    from summarise.source import Source, expand_inputs, read_source

    codes: list[int] = []
    sources: list[Source] = []
    for spec in expand_inputs(specs):
        try:
            sources.append(read_source(spec))
        except SummariseError as error:
            _say(str(error))
            codes.append(error.exit_code)
    if not sources:
        return max(codes, default=EXIT_OK)
    progress = (lambda _: None) if options.quiet else _say
    settings = BackendSettings.from_environment(
        base_url=options.base_url, model=options.model, model_path=options.model_path
    )
    several = len(sources) + len(codes) > 1
    try:
        with connect(settings, progress=progress) as backend:
            for number, source in enumerate(sources, start=1):
                progress(f"[{number}/{len(sources)}] {source.origin}: asking {backend.model}")
                try:
                    record = summarise_text(source.text, backend, reasks=options.reasks)
                except SummariseError as error:
                    _say(f"{source.origin}: {error}")
                    codes.append(error.exit_code)
                    continue
                for line in record.ungrounded:
                    _say(f"{source.origin}: unverified {line}")
                if options.strict and record.ungrounded:
                    codes.append(EXIT_UNGROUNDED)
                _show(source.origin, record, options, several, out)
    except SummariseError as error:
        _say(str(error))
        codes.append(error.exit_code)
    return max(codes, default=EXIT_OK)
