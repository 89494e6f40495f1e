"""Run the pipeline over what the user named, lose nothing, and decide the exit code.

Inputs are read first, so a typo in a path fails in a second rather than after the model has
loaded. Cached records and inputs already in the results file are served without a model; the
backend is opened once, only if some input still needs it, and shared by all of them. One failing
input never stops the others: it gets one line on stderr (and an error line in the results
file) and raises the exit code. Ctrl-C or SIGTERM stops cleanly: finished work is on disk, the
model server is stopped, and re-running the same command finishes the rest.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from summarise.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNGROUNDED,
    InputError,
    SummariseError,
)

if TYPE_CHECKING:
    from summarise.backend import Backend
    from summarise.cache import RecordCache
    from summarise.results import ResultsFile
    from summarise.schema import Record
    from summarise.source import Source


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
    out: Path | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    concurrency: int = 1
    story: bool = False
    context_tokens: int | None = None


_SAY_LOCK = threading.Lock()


def _say(message: str) -> None:
    """One line on stderr, whole even when batch workers speak at once."""
    with _SAY_LOCK:
        sys.stderr.write(f"summarise: {message}\n")
        sys.stderr.flush()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so files are closed and the model server is stopped."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Run:
    """One invocation: where results go, what is cached, and how it ended."""

    def __init__(self, options: RunOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        self.codes: list[int] = []
        self.lock = threading.Lock()
        self.several = False
        self.results: ResultsFile | None = None
        self.cache: RecordCache | None = None
        self.fresh: dict[str, Record] = {}  # records served in this run, by text sha256
        self.closing = False  # interrupted: results of calls still in flight are dropped
        self.done: dict[str, tuple[Source, Record]] = {}  # every record of this run, by origin

    def fail(self, origin: str, sha256: str | None, error: SummariseError) -> None:
        with self.lock:
            _say(f"{origin}: {error}" if not str(error).startswith(origin) else str(error))
            self.codes.append(error.exit_code)
            if self.results is not None:
                entry = {"source": origin, "sha256": sha256, "error": str(error)}
                self.results.append({**entry, "exit_code": error.exit_code})

    def succeed(self, source: Source, record: Record) -> None:
        with self.lock:
            self.done[source.origin] = (source, record)
            if record.ungrounded:
                count = len(record.ungrounded)
                _say(f"{source.origin}: {count} item(s) not verified in the article (flagged)")
            if self.options.strict and record.ungrounded:
                self.codes.append(EXIT_UNGROUNDED)
            if self.options.story:
                return  # shown with the story, once every article has its record
            if self.results is not None:
                self.results.append(
                    {
                        "source": source.origin,
                        "sha256": source.sha256,
                        "record": record.model_dump(mode="json"),
                    }
                )
            else:
                _show(source.origin, record, self.options, self.several, self.out)


def _show(origin: str, record: Record, options: RunOptions, several: bool, out: TextIO) -> None:
    import json

    from summarise.render import to_json, to_markdown

    if options.output_format == "json":
        if several:
            line = {"source": origin, "record": record.model_dump(mode="json")}
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


def run_inputs(specs: list[str], options: RunOptions, out: TextIO | None = None) -> int:
    """Summarise every input; return the exit code (the worst outcome wins)."""
    run = _Run(options, out or sys.stdout)
    try:
        with _sigterm_as_interrupt():
            _run(specs, run)
    except KeyboardInterrupt:
        where = f"; finished work is in {options.out}" if options.out else ""
        _say(f"interrupted{where}. Run the same command again to finish the rest.")
        return EXIT_INTERRUPTED
    except SummariseError as error:
        _say(str(error))
        run.codes.append(error.exit_code)
    finally:
        if run.cache is not None:
            run.cache.close()
    return max(run.codes, default=EXIT_OK)


def _run(specs: list[str], run: _Run) -> None:
    from summarise.backend import BackendSettings
    from summarise.source import expand_inputs, read_source

    options = run.options
    expanded = expand_inputs(specs)
    run.several = len(expanded) > 1 or options.out is not None
    if options.out is not None:
        from summarise.results import ResultsFile

        run.results = ResultsFile(options.out)
    sources: list[Source] = []
    for spec in expanded:
        try:
            source = read_source(spec)
        except SummariseError as error:
            run.fail(spec, None, error)
            continue
        if run.results is not None and run.results.is_done(source.origin, source.sha256):
            continue
        sources.append(source)
    skipped = len(expanded) - len(sources) - len(run.codes)
    if skipped and not options.quiet:
        _say(f"{skipped} input(s) already in {options.out}: skipped")
    if not sources:
        return
    settings = BackendSettings.from_environment(
        base_url=options.base_url,
        model=options.model,
        model_path=options.model_path,
        context_tokens=options.context_tokens,
    )
    if options.use_cache:
        from summarise.cache import RecordCache
        from summarise.locations import cache_dir

        run.cache = RecordCache(options.cache_dir or cache_dir())
    if not options.story:
        _produce(sources, settings, run, None)
        return
    if len({s.sha256 for s in sources}) < 2:
        raise InputError("a story needs at least two readable, different articles")
    from summarise.backend import connect

    with connect(settings, progress=_progress(options)) as backend:
        _produce(sources, settings, run, backend)
        _tell_story(run, backend)


def _progress(options: RunOptions) -> Callable[[str], None]:
    return (lambda _: None) if options.quiet else _say


def _produce(sources: list[Source], settings: Any, run: _Run, backend: Backend | None) -> None:
    """A record for every source: from the cache, else from the model (opened if needed)."""
    model = settings.model or (backend.model if backend else None)
    if model is not None:
        sources = _serve_from_cache(sources, model, run)
    unique = list({s.sha256: s for s in reversed(sources)}.values())[::-1]
    if unique:
        _ask_model(unique, settings, run, backend)
    # The same text under another name: made once above, served here.
    for source in sources:
        if source not in unique and source.sha256 in run.fresh:
            run.succeed(source, run.fresh[source.sha256])


def _tell_story(run: _Run, backend: Backend) -> None:
    """Build and show the cross-source story of every article that got a record."""
    import json

    from summarise.render import to_markdown
    from summarise.story import story_to_markdown
    from summarise.story_build import build_story

    ids = _source_ids(list(run.done))
    records = {ids[origin]: record for origin, (_, record) in run.done.items()}
    texts = {ids[origin]: source.text for origin, (source, _) in run.done.items()}
    if not run.options.quiet:
        _say(f"story of {len(records)} articles: naming tensions with {backend.model}")
    story = build_story(records, texts, backend)
    if run.options.output_format == "json":
        data = {
            "articles": {i: r.model_dump(mode="json") for i, r in records.items()},
            "story": story.model_dump(mode="json"),
        }
        run.out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    parts = [to_markdown(record, origin) for origin, (_, record) in run.done.items()]
    markdown = "\n".join([*parts, story_to_markdown(story)])
    if run.options.output_format == "markdown":
        run.out.write(markdown + "\n")
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        Console(file=run.out).print(Markdown(markdown))


def _source_ids(origins: list[str]) -> dict[str, str]:
    """Short, unique ids for the story's sources: the file name without its extension."""
    ids: dict[str, str] = {}
    for origin in origins:
        base = Path(origin).stem or origin
        candidate, n = base, 2
        while candidate in ids.values():
            candidate, n = f"{base}-{n}", n + 1
        ids[origin] = candidate
    return ids


def _key(source: Source, model: str, reasks: int) -> str:
    from summarise.cache import cache_key
    from summarise.prompts import prompt_version
    from summarise.schema import schema_hash

    return cache_key(
        text_sha256=source.sha256,
        model=model,
        prompt_version=prompt_version(),
        schema_version=schema_hash(),
        reasks=reasks,
    )


def _serve_from_cache(sources: list[Source], model: str, run: _Run) -> list[Source]:
    """Emit every cached record; return the sources that still need the model."""
    if run.cache is None:
        return sources
    remaining = []
    for source in sources:
        record = run.cache.get(_key(source, model, run.options.reasks))
        if record is None:
            remaining.append(source)
        else:
            if not run.options.quiet:
                _say(f"{source.origin}: from cache")
            run.fresh[source.sha256] = record
            run.succeed(source, record)
    return remaining


def _ask_model(
    sources: list[Source], settings: Any, run: _Run, opened: Backend | None = None
) -> None:
    from contextlib import nullcontext

    from summarise.backend import connect

    options = run.options
    progress = _progress(options)
    backend_context = nullcontext(opened) if opened else connect(settings, progress=progress)
    with backend_context as backend, _progress_bar(len(sources), options) as advance:
        if settings.model is None and opened is None:  # known only now: the server's default
            sources = _serve_from_cache(sources, backend.model, run)
        workers = 1 if settings.kind == "embedded" else max(1, options.concurrency)
        total = len(sources)
        if workers == 1:
            for number, source in enumerate(sources, start=1):
                _one(source, backend, run, f"[{number}/{total}]")
                advance()
            return

        def work(source: Source) -> None:
            _one(source, backend, run, "")

        try:
            for finished in _in_parallel(sources, workers, work, lambda: run.closing):
                advance()
                progress(f"[{finished}/{total}] finished")
        except BaseException:
            # Ctrl-C/SIGTERM: workers start nothing new, and the results of calls still in
            # flight are dropped (those articles are redone next time); the workers are daemon
            # threads, so the process does not wait for a slow server to answer them.
            run.closing = True
            raise


def _in_parallel(
    items: list[Source], workers: int, work: Callable[[Source], None], stop: Callable[[], bool]
) -> Iterator[int]:
    """Run ``work`` on ``items`` in ``workers`` daemon threads; yield a count as each finishes.

    A worker takes no new item once ``stop()`` is true.
    """
    todo: queue.Queue[Source] = queue.Queue()
    for item in items:
        todo.put(item)
    finished: queue.Queue[Source] = queue.Queue()

    def worker() -> None:
        while not stop():
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                work(item)
            finally:
                finished.put(item)

    for _ in range(min(workers, len(items))):
        threading.Thread(target=worker, daemon=True).start()
    for count in range(1, len(items) + 1):
        finished.get()
        yield count


@contextmanager
def _progress_bar(total: int, options: RunOptions) -> Iterator[Callable[[], None]]:
    """A rich progress bar on an interactive stderr for batches; a no-op otherwise.

    Messages printed to stderr meanwhile appear above the bar (rich redirects them).
    """
    if options.quiet or total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("articles", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("articles", total=total)
        yield lambda: bar.advance(task)


def _one(source: Source, backend: Backend, run: _Run, label: str) -> None:
    from summarise.pipeline import summarise_text

    if not run.options.quiet:
        _say(f"{label} {source.origin}: asking {backend.model}".strip())
    started = time.perf_counter()
    try:
        record = summarise_text(source.text, backend, reasks=run.options.reasks)
    except Exception as error:  # one article's failure, expected or not, never stops the batch
        if not run.closing:
            known = (
                error
                if isinstance(error, SummariseError)
                else SummariseError(f"unexpected {type(error).__name__}: {error}")
            )
            run.fail(source.origin, source.sha256, known)
        return
    if run.closing:
        return
    run.fresh[source.sha256] = record
    if not run.options.quiet:
        _say(f"{source.origin}: done in {time.perf_counter() - started:.1f} s")
    run.succeed(source, record)
    if run.cache is not None:
        run.cache.put(_key(source, backend.model, run.options.reasks), record)
