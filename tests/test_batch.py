"""Batches that lose nothing: results appended as they finish, resumed, cached, never repeated.

The model is the scripted server of ``fake_model`` on 127.0.0.1, so every model call is a real
HTTP request the test can count. ``--reasks 0`` keeps one request per article: the scripted
record is not grounded in these articles, which is beside the point here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_model import Answer, Server

from summarise.cli import main
from summarise.errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK

ARTICLES = Path(__file__).parents[1] / "evals" / "articles"
SEEDS = [ARTICLES / name for name in ("000_f8cfaa4b4078acc1.txt", "002_8641c2db8d8d2e9f.txt",
                                      "003_8f5e3e2bb4c303c0.txt")]  # fmt: skip
loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The three seed articles and two bad files."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for seed in SEEDS:
        (batch / seed.name).write_bytes(seed.read_bytes())
    (batch / "empty.txt").write_text("", encoding="utf-8")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    return batch


def _args(server: Server, tmp_path: Path, *inputs: str) -> list[str]:
    return [
        "run", *inputs, "--base-url", server.url, "--model", "m", "--reasks", "0", "--quiet",
        "--cache-dir", str(tmp_path / "cache"),
    ]  # fmt: skip


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@loopback
def test_batch_writes_a_line_per_input_and_a_rerun_calls_nothing(
    server: Server, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    first = CliRunner().invoke(main, [*_args(server, tmp_path, str(folder)), "--out", str(out)])
    assert first.exit_code == EXIT_INPUT, first.output  # the two bad files
    lines = _lines(out)
    assert sum("record" in line for line in lines) == 3
    assert sorted(Path(str(line["source"])).name for line in lines if "error" in line) == [
        "binary.txt",
        "empty.txt",
    ]
    assert len(server.requests) == 3
    again = CliRunner().invoke(main, [*_args(server, tmp_path, str(folder)), "--out", str(out)])
    assert again.exit_code == EXIT_INPUT
    assert len(server.requests) == 3, "a re-run must not ask the model again"
    assert _lines(out) == lines, "a re-run must not repeat finished or failed lines"


@loopback
def test_cache_serves_unchanged_input_and_no_cache_asks_again(
    server: Server, tmp_path: Path
) -> None:
    article = str(ARTICLES / "002_8641c2db8d8d2e9f.txt")
    for _ in range(2):
        result = CliRunner().invoke(main, [*_args(server, tmp_path, article), "--format", "json"])
        assert result.exit_code == EXIT_OK
        assert json.loads(result.stdout)["headline"]
    assert len(server.requests) == 1
    CliRunner().invoke(main, [*_args(server, tmp_path, article), "--no-cache"])
    assert len(server.requests) == 2


@loopback
def test_duplicates_in_one_batch_cost_one_call(server: Server, tmp_path: Path) -> None:
    seed = ARTICLES / "003_8f5e3e2bb4c303c0.txt"
    copy = tmp_path / "copy-of-003.txt"
    copy.write_bytes(seed.read_bytes())
    out = tmp_path / "results.jsonl"
    inputs = [str(seed), str(seed), str(copy)]
    result = CliRunner().invoke(main, [*_args(server, tmp_path, *inputs), "--out", str(out)])
    assert result.exit_code == EXIT_OK
    assert len(server.requests) == 1
    assert [Path(str(line["source"])).name for line in _lines(out)] == [seed.name, copy.name]


def _terminate_after_first_record(command: list[str], out: Path) -> tuple[int, str, float]:
    """Start a batch, SIGTERM it once a record is on disk; (exit code, stderr, seconds to stop)."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        out.exists() and any("record" in line for line in _lines(out))
    ):
        time.sleep(0.05)
    stopped = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr, time.monotonic() - stopped


@loopback
def test_sigterm_mid_batch_leaves_valid_jsonl_and_a_rerun_finishes(
    server: Server, folder: Path, tmp_path: Path
) -> None:
    server.script = [Answer(delay_s=1.0)]
    out = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "summarise.cli", *_args(server, tmp_path, str(folder))]
    command += ["--out", str(out), "--concurrency", "1"]
    code, stderr, _ = _terminate_after_first_record(command, out)
    assert code == EXIT_INTERRUPTED, stderr
    assert "Run the same command again" in stderr and "Traceback" not in stderr
    interrupted = _lines(out)  # every line parses: the file is valid JSONL
    records_before = sum("record" in line for line in interrupted)
    assert 1 <= records_before < 3
    calls_before = len(server.requests)
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=60, env=os.environ)
    assert rerun.returncode == EXIT_INPUT, rerun.stderr
    final = _lines(out)
    assert sum("record" in line for line in final) == 3
    assert sum("error" in line for line in final) == 2
    # Each article is asked once, plus at most the one request in flight when the run was killed.
    assert len(server.requests) - calls_before == 3 - records_before
    assert len(server.requests) <= 4


@loopback
def test_story_prints_every_record_and_the_digest(server: Server, tmp_path: Path) -> None:
    tension = {
        "about": "pace",
        "source_a": "002_8641c2db8d8d2e9f",
        "position_a": "some member states remain hesitant",
        "source_b": "003_8f5e3e2bb4c303c0",
        "position_b": "There's broad support",
    }
    call = {"name": "TensionsDraft", "arguments": json.dumps({"tensions": [tension]})}
    tensions = json.loads(json.dumps(server.script[0].body))
    tensions["choices"][0]["message"]["tool_calls"][0]["function"] = call
    server.script = [Answer(), Answer(), Answer(body=tensions)]
    seeds = [str(ARTICLES / "002_8641c2db8d8d2e9f.txt"), str(ARTICLES / "003_8f5e3e2bb4c303c0.txt")]
    result = CliRunner().invoke(
        main,
        [*_args(server, tmp_path, *seeds), "--story", "--format", "json", "--concurrency", "1"],
    )
    assert result.exit_code == EXIT_OK, result.output
    digest = json.loads(result.stdout)
    assert sorted(digest["articles"]) == ["002_8641c2db8d8d2e9f", "003_8f5e3e2bb4c303c0"]
    [named] = digest["story"]["tensions"]
    assert named["verified"] is True
    assert len(server.requests) == 3


def test_story_refuses_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", "a.txt", "--story", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--story" in result.output


@loopback
def test_a_cut_off_answer_fails_one_article_and_the_batch_goes_on(
    server: Server, folder: Path, tmp_path: Path
) -> None:
    cut = json.loads(json.dumps(server.script[0].body))
    cut["choices"][0]["finish_reason"] = "length"
    server.script = [Answer(body=cut), Answer()]
    out = tmp_path / "results.jsonl"
    inputs = [
        str(ARTICLES / "000_f8cfaa4b4078acc1.txt"),
        str(ARTICLES / "002_8641c2db8d8d2e9f.txt"),
    ]
    args = [*_args(server, tmp_path, *inputs), "--out", str(out), "--concurrency", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    lines = _lines(out)
    assert ["error" in line for line in lines] == [True, False]
    assert "cut off" in str(lines[0]["error"])


@loopback
def test_duplicates_served_from_the_cache_are_all_shown(server: Server, tmp_path: Path) -> None:
    seed = ARTICLES / "003_8f5e3e2bb4c303c0.txt"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed.read_bytes())
    command = [*_args(server, tmp_path, str(seed), str(copy)), "--format", "json"]
    for _ in range(2):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == EXIT_OK
        assert len(result.stdout.splitlines()) == 2
    assert len(server.requests) == 1


def test_a_damaged_line_is_skipped_and_later_lines_kept(tmp_path: Path) -> None:
    from summarise.results import ResultsFile

    out = tmp_path / "results.jsonl"
    good = {"source": "c.txt", "sha256": "c", "record": {}}
    out.write_text('{"broken\n' + json.dumps(good) + '\n{"torn', encoding="utf-8")
    results = ResultsFile(out)
    assert results.is_done("c.txt", "c")
    assert out.read_text(encoding="utf-8").endswith(json.dumps(good) + "\n")


def test_story_with_one_readable_article_fails_before_any_model(tmp_path: Path) -> None:
    seed = str(ARTICLES / "003_8f5e3e2bb4c303c0.txt")
    args = [
        "run",
        "--story",
        seed,
        str(tmp_path / "missing.txt"),
        "--base-url",
        "http://127.0.0.1:9/v1",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_INPUT
    assert "a story needs at least two" in result.output


@loopback
def test_sigterm_with_concurrency_stops_at_once_and_keeps_finished_work(
    server: Server, folder: Path, tmp_path: Path
) -> None:
    server.script = [Answer(), Answer(delay_s=30.0)]  # the first answers, the rest hang
    out = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "summarise.cli", *_args(server, tmp_path, str(folder))]
    command += ["--out", str(out), "--concurrency", "3"]
    code, stderr, seconds = _terminate_after_first_record(command, out)
    assert seconds < 10, "the calls in flight must be cut, not awaited"
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr and "Error" not in stderr.replace("error", "")
    assert sum("record" in line for line in _lines(out)) == 1
