"""Speed of a record on the embedded model: the pipeline against a naive instructor call.

Run on demand (it takes several minutes and needs the embedded model installed):

    .venv/bin/python benchmarks/bench.py            # every eval article; JSON in results.json
    .venv/bin/python benchmarks/bench.py --seeds 3  # the three seeds (000, 002, 003) only

Each contestant runs its batch of articles in turn, as a user's batch would: the naive baseline
on one plain llama.cpp server (`llama_cpp.server` as shipped), the pipeline on the servers
`summarise` starts (`backend.connect`, grammar checked lazily by `summarise.model_server`).
Each server reuses the longest prefix of its previous prompt, so both get their fixed
instructions and schema processed once per batch. The naive baseline is what one would write
first: one instructor TOOLS call for the whole record, the article in a bare user message, no
instructions, no grounding, no repair (only instructor's two schema retries, whose attempts are
counted). "The whole record" is RecordDraft with the quotes the pipeline now takes from the
article by code put back for the model to write, as the draft asked for them before
(:func:`_naive_schema`). The pipeline is `summarise_text` as shipped, starting from an empty
prompt-state store, as the naive baseline starts cold. Then the last seed
runs alone in two new runs (new servers), one with the prompt state the batch left on disk and
one from an empty store: what a user's later `summarise` run costs against a first one. And the
whole batch once more in new servers after a run on another article filled the store
(:func:`_warm_store_batch`): the batch as a user meets it after their first run. Also
timed: CLI start (`summarise --help`, `--version`) and the offline `pytest evals/`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "evals" / "articles").glob("*.txt"))
VENV_BIN = Path(sys.executable).parent


F1_DIGITS = 3
"""The decimals every benchmark keeps of an F1. A paired comparison must round both sides alike:
a tie read as 0.3333 against 0.333 counts as a win in the sign-flip test."""


def _f1_by_field(record: Any, name: str) -> dict[str, float]:
    """The eval's per-field F1 of a record of seed ``name`` against its hand-written gold.

    With ``key_points_lead``: the key-point F1 of the article's first sentences in place of the
    record's key points, as many as it lists (the scorer's lead baseline), so a contestant's key
    points can be told from the length of its list.
    """
    from summarise.evaluation.gold import load_gold_case
    from summarise.evaluation.scorers import score_case

    gold = load_gold_case(ROOT / "evals" / "gold" / f"{name.split('_')[0]}.yaml")
    text = (ROOT / "evals" / "articles" / name).read_text(encoding="utf-8")
    scores = score_case(gold, record, text)
    f1 = {field: round(s.f1, F1_DIGITS) for field, s in scores.items()}
    f1["key_points_lead"] = round(scores["key_points"].details["lead_f1"], F1_DIGITS)
    return f1


def _naive_record(draft: Any, text: str, seconds: float) -> Any:
    """The naive answer, grounded by the same rules, so the eval can judge it like ours."""
    import hashlib

    from summarise.grounding import ground
    from summarise.schema import FilledDraft, Provenance, Record, Usage

    provenance = Provenance(
        model="naive", backend="embedded", prompt_version="naive", schema_version="naive",
        source_sha256=hashlib.sha256(text.encode()).hexdigest(), usage=Usage(),
        latency_s=seconds, attempts=1,
    )  # fmt: skip
    # grounded as the pipeline's drafts are: code finds an entity's spellings
    as_drafted = draft.model_dump(exclude={"entities": {"__all__": {"mentions"}}})
    checked = ground(FilledDraft.model_validate(as_drafted), text)
    return Record(**dict(checked), provenance=provenance)


def _naive_schema() -> Any:
    """RecordDraft with what code now finds asked of the model again, where and as it was asked.

    That is an entity's ``mentions``, a figure's ``evidence`` and the ``quotes``, in the old
    order (quotes between figures and stances) and wording, and at least one key point (not
    three), under the name ``RecordDraft``: the tool schema the naive call sent before code took
    them over (f8d5ce2 to b181c93), byte for byte, so its requests, and its timings, compare
    with earlier runs.
    """
    from pydantic import Field, create_model

    from summarise import schema

    class EntityDraft(schema.EntityDraft):
        """A person, organisation or place the article names."""

        # the old example, which the pipeline dropped: the naive requests stay byte for byte
        # those of every earlier run, so their timings and tokens compare
        name: str = Field(
            description="Canonical full name, spelled correctly, e.g. 'Pete Hegseth'."
        )
        mentions: list[str] = Field(
            min_length=1,
            description="Just the name as spelled in the article, each spelling once, "
            "misspellings included, e.g. ['Pete Hegseth', 'Hegseth'].",
        )

    class FigureDraft(schema.FigureDraft):
        """A number the article reports, with what it measures."""

        evidence: str = Field(description="A few words around it, copied exactly from the article.")

    old_items = {"entities": list[EntityDraft], "figures": list[FigureDraft]}
    drafted = schema.RecordDraft.model_fields
    fields: dict[str, Any] = {
        # the summary, then up to eight key points, as asked before the pipeline moved its key
        # points first and capped them at six
        "headline": (str, drafted["headline"]),
        "summary": (str, Field(description="Two to four sentences: what happened, who, and why.")),
        "key_points": (
            list[str],
            Field(
                min_length=1,
                max_length=8,
                description="The three to six main facts, one short sentence each.",
            ),
        ),
    }
    for name, info in drafted.items():
        if name in fields:
            continue
        if name in ("entities", "figures"):  # old minimum of one, old items
            old = Field(
                min_length=1, max_length=schema.MAX_ITEMS[name], description=info.description
            )
            fields[name] = (old_items[name], old)
        else:
            fields[name] = (info.annotation, info)
        if name == "figures":
            fields["quotes"] = (
                list[schema.QuoteDraft],
                Field(min_length=1, max_length=12, description="Every direct quotation."),
            )
    return create_model(
        "RecordDraft",
        __config__=schema.RecordDraft.model_config,
        __doc__=schema.RecordDraft.__doc__,
        **fields,
    )


def naive_call(base_url: str, model: str, text: str, name: str) -> dict[str, Any]:
    """One naive instructor call for eval article ``name``: seconds, tokens, attempts, F1."""
    import instructor
    import openai

    from summarise.backend import MAX_COMPLETION_TOKENS

    client = instructor.from_openai(
        openai.OpenAI(api_key="not-needed", base_url=base_url, timeout=900),
        mode=instructor.Mode.TOOLS,
    )
    answers: list[Any] = []  # every attempt's raw answer, so re-asks are counted and summed
    client.on("completion:response", answers.append)
    started = time.perf_counter()
    draft, _ = client.chat.completions.create_with_completion(
        model=model,
        messages=[{"role": "user", "content": f"Summarise this news article:\n\n{text}"}],
        response_model=_naive_schema(),
        max_retries=2,
        temperature=0,
        max_tokens=MAX_COMPLETION_TOKENS,
    )
    seconds = time.perf_counter() - started
    usages = [answer.usage for answer in answers if answer.usage]
    record = _naive_record(draft, text, seconds)
    return {
        "seconds": seconds,
        "prompt_tokens": sum(usage.prompt_tokens for usage in usages),
        "completion_tokens": sum(usage.completion_tokens for usage in usages),
        "attempts": len(answers),
        "f1": _f1_by_field(record, name),
        "record": record.model_dump(mode="json"),
    }


def _pipeline(backend: Any, text: str, name: str) -> dict[str, Any]:
    from summarise.pipeline import summarise_text

    started = time.perf_counter()
    record = summarise_text(text, backend)
    return {
        "seconds": time.perf_counter() - started,
        "prompt_tokens": record.provenance.usage.prompt_tokens,
        "completion_tokens": record.provenance.usage.completion_tokens,
        "attempts": record.provenance.attempts,
        "unverified": len(record.ungrounded),
        "f1": _f1_by_field(record, name),
    }


def _warm_store_batch(
    settings: Any, texts: dict[str, str], seeds: int, scratch: str
) -> dict[str, Any] | None:
    """The batch again as any run after a machine's first: the prompt state is on disk.

    A run on another article (the first eval article after the seeds) fills an empty store;
    the batch then runs in new servers, which restore that state instead of reading the
    instructions, example and schema. The primer is not a seed, so no seed's own prompt is
    restored. The naive call has no such store; this is the pipeline as a user meets it from
    the second run on, reported beside the cold batch, not instead of it.
    """
    from summarise.backend import connect

    if seeds >= len(SEEDS):
        print("no article left to prime the prompt-state store; warm batch skipped")
        return None
    primer = SEEDS[seeds]
    os.environ["SUMMARISE_CACHE_DIR"] = tempfile.mkdtemp(prefix="warm-", dir=scratch)
    with connect(settings) as backend:
        _pipeline(backend, primer.read_text(encoding="utf-8"), primer.name)
    articles: dict[str, Any] = {}
    with connect(settings) as backend:
        for name, text in texts.items():
            articles[name] = _pipeline(backend, text, name)
            print(
                f"{name}: pipeline with the saved prompt state {articles[name]['seconds']:.1f} s "
                f"({articles[name]['prompt_tokens']:.0f}+"
                f"{articles[name]['completion_tokens']:.0f} tok)",
                flush=True,
            )
    return {"primer": primer.name, "articles": articles}


def _command_seconds(args: list[str], repeat: int) -> float:
    """Median wall time of a command over ``repeat`` runs (its exit code is not judged here)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="How many seed articles.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--skip-model", action="store_true", help="Only CLI start and evals.")
    args = parser.parse_args()

    from summarise.backend import BackendSettings, connect
    from summarise.embedded import model_path, serve

    results: dict[str, Any] = {"articles": {}}
    summarise = str(VENV_BIN / "summarise")
    results["cli_help_s"] = _command_seconds([summarise, "--help"], repeat=5)
    results["cli_version_s"] = _command_seconds([summarise, "--version"], repeat=5)
    results["pytest_evals_s"] = _command_seconds(
        [str(VENV_BIN / "pytest"), "evals/", "-q", "-p", "no:cacheprovider"], repeat=1
    )
    if not args.skip_model:
        gguf = model_path(None)
        settings = BackendSettings.from_environment(model_path=str(gguf), environ={})
        # the model stays where it is; the prompt-state store starts empty, in a scratch folder
        scratch = tempfile.mkdtemp(prefix="summarise-bench-")
        os.environ["SUMMARISE_CACHE_DIR"] = tempfile.mkdtemp(prefix="batch-", dir=scratch)
        texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS[: args.seeds]}
        with serve(gguf, lazy_grammar=False) as url:  # llama.cpp's server as shipped
            naive = {n: naive_call(url, settings.model or "", text, n) for n, text in texts.items()}
        started = time.perf_counter()
        with connect(settings) as backend:
            results["load_s"] = time.perf_counter() - started
            for name, text in texts.items():
                pipeline = _pipeline(backend, text, name)
                results["articles"][name] = {"naive": naive[name], "pipeline": pipeline}
                ratio = pipeline["seconds"] / naive[name]["seconds"]
                print(
                    f"{name}: naive {naive[name]['seconds']:.1f} s "
                    f"({naive[name]['prompt_tokens']:.0f}+{naive[name]['completion_tokens']:.0f}"
                    f" tok, {naive[name]['attempts']:.0f} attempt(s)), "
                    f"pipeline {pipeline['seconds']:.1f} s "
                    f"({pipeline['prompt_tokens']:.0f}+{pipeline['completion_tokens']:.0f} tok, "
                    f"{pipeline['attempts']:.0f} attempt(s)), ratio {ratio:.2f}",
                    flush=True,
                )
        # A user's next run: new servers, an article the saved state does not hold (the batch
        # saved its first article's prompt), once with that state and once from an empty store.
        last = list(texts)[-1]
        with connect(settings) as backend:
            warm = _pipeline(backend, texts[last], last)
        os.environ["SUMMARISE_CACHE_DIR"] = tempfile.mkdtemp(prefix="summarise-bench-", dir=scratch)
        with connect(settings) as backend:
            cold = _pipeline(backend, texts[last], last)
        results["new_run"] = {"article": last, "cold": cold, "with_saved_prefix": warm}
        print(
            f"{last} alone in a new run: {cold['seconds']:.1f} s cold "
            f"({cold['prompt_tokens']:.0f}+{cold['completion_tokens']:.0f} tok), "
            f"{warm['seconds']:.1f} s with the prompt state the batch saved "
            f"({warm['prompt_tokens']:.0f}+{warm['completion_tokens']:.0f} tok)",
            flush=True,
        )
        results["warm_store"] = _warm_store_batch(settings, texts, args.seeds, scratch)
        shutil.rmtree(scratch, ignore_errors=True)
        articles = results["articles"].values()
        naive_total = sum(a["naive"]["seconds"] for a in articles)
        pipeline_total = sum(a["pipeline"]["seconds"] for a in articles)
        results["ratio_pipeline_to_naive"] = pipeline_total / naive_total
        ratio = results["ratio_pipeline_to_naive"]
        print(f"load {results['load_s']:.1f} s; total ratio pipeline/naive {ratio:.2f}")
        if results["warm_store"]:
            warm_total = sum(a["seconds"] for a in results["warm_store"]["articles"].values())
            results["ratio_warm_store_to_naive"] = warm_total / naive_total
            print(
                f"with a saved prompt state (primed on {results['warm_store']['primer']}): "
                f"pipeline {warm_total:.1f} s, ratio {warm_total / naive_total:.2f}"
            )
        print("mean F1 by field (naive -> pipeline):")
        for field in next(iter(articles))["naive"]["f1"]:
            before = statistics.fmean(a["naive"]["f1"][field] for a in articles)
            after = statistics.fmean(a["pipeline"]["f1"][field] for a in articles)
            print(f"  {field:<15} {before:.3f} -> {after:.3f}")
    print(
        f"summarise --help {results['cli_help_s']:.3f} s, --version "
        f"{results['cli_version_s']:.3f} s, pytest evals/ {results['pytest_evals_s']:.1f} s"
    )
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
