"""The ``summarise`` command: parse arguments, call the library, format, exit with a clear code.

Heavy modules (pydantic schemas, openai, instructor, llama.cpp) are imported inside the commands,
so ``summarise --help`` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from summarise import __version__
from summarise.errors import (
    EXIT_BACKEND,
    EXIT_EVAL,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNGROUNDED,
)

EPILOG = f"""\b
Examples:
  summarise article.txt                 read a file, show the record
  summarise a.txt b.html https://example.org/news/1
  cat article.txt | summarise - --format json
  summarise --base-url http://localhost:11434/v1 --model llama3.1 article.txt
  summarise --strict article.txt || echo "something could not be verified"
  summarise articles/ --out results.jsonl   a batch; re-run the same to finish after a stop
  summarise --story a.txt b.txt c.txt       one event, several outlets: a cross-source digest

\b
Backend: --base-url or $OPENAI_BASE_URL (any OpenAI-compatible server), else OpenAI when
$OPENAI_API_KEY is set, else the embedded model (no key, no network; first use joins and
verifies the bundled weights). $SUMMARISE_MODEL_PATH or --model-path serves your own GGUF.
The embedded model keeps its read prompt on disk between runs (cache folder, prefixes/);
SUMMARISE_KEEP_PREFIX=0 starts it cold every time.

\b
Exit codes:
  {EXIT_OK}  every record produced (and, with --strict, fully verified)
  {EXIT_INPUT}  usage error or unreadable input (missing, empty, binary, too long ...)
  {EXIT_BACKEND}  the model backend failed (unreachable, errors, no valid record)
  {EXIT_UNGROUNDED}  --strict and some quote, figure or evidence is not in the article
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C, SIGTERM); finished work is kept
"""


class _DefaultToRun(click.Group):
    """A group whose default command is ``run``, so ``summarise article.txt`` just works."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        passthrough = {*self.commands, *ctx.help_option_names, "--version"}
        if first is not None and first not in passthrough:
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_DefaultToRun, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="summarise")
def main() -> None:
    """Turn news articles into grounded, typed records.

    A record holds a headline, a short summary, key points, entities, figures, quotes with their
    speakers and stance records, and every quote, figure and piece of evidence is checked
    against the article: what cannot be found there is marked unverified, never dropped.

    `summarise FILE...` is short for `summarise run FILE...`; `summarise run --help` lists
    its options (format, backend, batch output, cache, story mode).
    """


@main.command(epilog=EPILOG)
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["auto", "json", "markdown"]),
    default="auto",
    show_default=True,
    help="json for machines, markdown for people; auto is a terminal view on a tty, else json.",
)
@click.option("--model", help="Model name for the backend (default: its own default).")
@click.option("--base-url", help="An OpenAI-compatible server, e.g. http://localhost:8000/v1.")
@click.option("--model-path", type=click.Path(dir_okay=False), help="Serve this GGUF locally.")
@click.option(
    "--context-tokens",
    type=click.IntRange(1024),
    help="The remote model's context size; longer articles are refused, never cut "
    "(default: 32768 for a compatible server, 128000 for OpenAI).",
)
@click.option(
    "--reasks",
    type=click.IntRange(0, 5),
    default=1,
    show_default=True,
    help="How often unverified items are sent back to the model with the reason.",
)
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_UNGROUNDED} if anything is unverified.")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on stderr.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append one JSON line per input to this file; a re-run skips finished inputs.",
)
@click.option("--no-cache", is_flag=True, help="Ask the model even if a cached record exists.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Cache folder (default: the platform's user cache, or $SUMMARISE_CACHE_DIR).",
)
@click.option(
    "--story",
    is_flag=True,
    help="Read the inputs as one story: shared and unique facts, tensions, a stance matrix.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Articles in flight at once on a remote backend (the embedded model takes one).",
)
def run(
    inputs: tuple[str, ...],
    output_format: str,
    model: str | None,
    base_url: str | None,
    model_path: str | None,
    context_tokens: int | None,
    reasks: int,
    strict: bool,
    quiet: bool,
    out: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
    concurrency: int,
    story: bool,
) -> None:
    """Summarise INPUTS: files, directories, globs, URLs, or - for stdin."""
    from summarise.runner import RunOptions, run_inputs

    if story and out is not None:
        raise click.UsageError("--story prints one digest; it cannot be combined with --out")

    options = RunOptions(
        output_format=_resolve_format(output_format), model=model, base_url=base_url,
        model_path=model_path, reasks=reasks, strict=strict, quiet=quiet, out=out,
        use_cache=not no_cache, cache_dir=cache_dir, concurrency=concurrency, story=story,
        context_tokens=context_tokens,
    )  # fmt: skip
    sys.exit(run_inputs(list(inputs), options))


def _resolve_format(choice: str) -> str:
    if choice != "auto":
        return choice
    return "terminal" if sys.stdout.isatty() else "json"


@main.command("eval")
@click.option(
    "--evals-dir",
    type=click.Path(file_okay=False, exists=True),
    default="evals",
    show_default=True,
    help="Folder holding gold/, outputs/ and quality.toml.",
)
@click.option("--accept", is_flag=True, help="Make these scores the new baseline.")
def eval_command(evals_dir: str, accept: bool) -> None:
    r"""Re-score the stored outputs against the gold, without running any model.

    \b
    For iterating on scorers or gold: takes seconds. To re-run the model after a prompt
    change, re-record instead:  pytest --record-mode=rewrite
    """
    from summarise.errors import SummariseError
    from summarise.evaluation.harness import conclude, rescore_stored
    from summarise.evaluation.report import field_table

    folder = Path(evals_dir)
    try:
        run = rescore_stored(folder)
        report, failures = conclude(folder, run, accept=accept)
    except SummariseError as error:
        click.echo(f"summarise: {error}", err=True)
        sys.exit(error.exit_code)
    click.echo(field_table(report, None if accept else _read_baseline(folder)))
    for line in failures:
        click.echo(f"summarise: {line}", err=True)
    click.echo(f"report: {folder / 'report.md'}", err=True)
    sys.exit(EXIT_EVAL if failures else EXIT_OK)


def _read_baseline(folder: Path) -> dict[str, Any] | None:
    from summarise.evaluation.harness import BASELINE_FILE
    from summarise.evaluation.report import read_json

    return read_json(folder / BASELINE_FILE)


@main.group()
def gold() -> None:
    """Write gold annotations for the eval."""


@gold.command("draft")
@click.argument("article", type=click.Path(dir_okay=False, exists=True))
@click.option("--case", "case_id", help="Case id (default: the article's name up to '_').")
@click.option(
    "--gold-dir", type=click.Path(file_okay=False), default="evals/gold", show_default=True
)
@click.option("--model", help="Model name for the backend.")
@click.option("--base-url", help="An OpenAI-compatible server.")
def gold_draft(
    article: str, case_id: str | None, gold_dir: str, model: str | None, base_url: str | None
) -> None:
    """Draft a gold file for ARTICLE from the model's record, marked unreviewed.

    The eval refuses it until a person has corrected it and set 'reviewed: true'.
    """
    from summarise.backend import BackendSettings, connect
    from summarise.errors import SummariseError
    from summarise.evaluation.drafting import draft_gold, write_gold
    from summarise.pipeline import summarise_text
    from summarise.source import read_source

    path = Path(article)
    case = case_id or path.stem.split("_")[0]
    target = Path(gold_dir) / f"{case}.yaml"
    if target.exists():
        click.echo(f"summarise: {target} exists; pass another --case", err=True)
        sys.exit(EXIT_INPUT)
    try:
        source = read_source(article)
        settings = BackendSettings.from_environment(base_url=base_url, model=model)
        with connect(settings, progress=lambda m: click.echo(f"summarise: {m}", err=True)) as b:
            record = summarise_text(source.text, b)
    except SummariseError as error:
        click.echo(f"summarise: {error}", err=True)
        sys.exit(error.exit_code)
    write_gold(draft_gold(record, case, path, Path(gold_dir)), target)
    click.echo(f"wrote {target} (unreviewed: correct it, then set 'reviewed: true')", err=True)


if __name__ == "__main__":
    main()
