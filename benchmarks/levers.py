"""Two levers of the performance issue, measured alone: thread settings, in-process vs server.

Run on demand (about 4 minutes, nothing else on the CPU; needs the embedded model):

    .venv/bin/python benchmarks/levers.py            # prints a table, writes levers.json

Each configuration reads the same record prompt (instructions, worked example and seed 003)
from a cold context and then writes 64 tokens greedily, streamed so that the time to the first
token (reading the prompt) and the time per later token (writing) are told apart. No grammar and
no tools: the grammar's cost is measured by ``tests/test_model_server.py`` and the main
benchmark, and here it would only blur the two numbers this script is after.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "evals" / "articles" / "003_8f5e3e2bb4c303c0.txt"
WRITE_TOKENS = 64


def _timed(chunks: Iterable[Any]) -> tuple[float, float, int]:
    """(seconds to the first chunk, seconds after it, chunks) of a streamed completion."""
    started = time.perf_counter()
    first = None
    count = 0
    for _ in chunks:
        count += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    first = end if first is None else first
    return first - started, end - first, count


def _in_process(gguf: Path, messages: list[dict[str, Any]], threads: int) -> dict[str, float]:
    from llama_cpp import Llama

    from summarise.embedded import CONTEXT_TOKENS

    llm = Llama(
        str(gguf), n_ctx=CONTEXT_TOKENS, n_threads=threads, n_threads_batch=threads, verbose=False
    )
    try:
        stream = llm.create_chat_completion(
            messages=messages, max_tokens=WRITE_TOKENS, temperature=0.0, stream=True
        )
        reading, writing, chunks = _timed(stream)
    finally:
        llm.close()
    return _row(reading, writing, chunks)


def _over_http(gguf: Path, messages: list[dict[str, Any]]) -> dict[str, float]:
    import openai

    from summarise.embedded import serve

    with serve(gguf) as url:
        client = openai.OpenAI(api_key="not-needed", base_url=url, timeout=900)
        stream = client.chat.completions.create(
            model=gguf.stem,
            messages=messages,  # type: ignore[arg-type]
            max_tokens=WRITE_TOKENS,
            temperature=0,
            stream=True,
        )
        reading, writing, chunks = _timed(stream)
    return _row(reading, writing, chunks)


def _row(reading: float, writing: float, chunks: int) -> dict[str, float]:
    per_token = writing / max(chunks - 2, 1)  # the first chunk is the role, the last the stop
    return {"read_s": reading, "write_ms_per_token": 1000 * per_token, "chunks": chunks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "levers.json")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()

    from summarise.embedded import model_path
    from summarise.pipeline import first_messages

    gguf = model_path(None)
    messages = first_messages(ARTICLE.read_text(encoding="utf-8"))
    results: dict[str, dict[str, float]] = {}
    for threads in args.threads:
        results[f"in-process, {threads} thread(s)"] = _in_process(gguf, messages, threads)
    results["server over HTTP, 2 threads"] = _over_http(gguf, messages)
    print(f"{'configuration':<32} {'read prompt, s':>15} {'write, ms/token':>16}")
    for name, row in results.items():
        print(f"{name:<32} {row['read_s']:>15.1f} {row['write_ms_per_token']:>16.1f}")
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
