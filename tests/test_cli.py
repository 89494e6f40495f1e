"""Tests for summarise.cli: help, version, usage errors and unreadable inputs, all offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from summarise import __version__
from summarise.cli import main
from summarise.errors import EXIT_BACKEND, EXIT_INPUT, EXIT_OK, EXIT_UNGROUNDED

HEAVY = ("openai", "instructor", "pydantic", "llama_cpp")
# Should a bad-input case ever reach the backend, fail fast (exit 3) instead of loading a model.
GUARD_ENV = {
    "OPENAI_API_KEY": None,
    "OPENAI_BASE_URL": None,
    "SUMMARISE_MODEL_PATH": "/nonexistent/guard.gguf",
}


def invoke(*args: str) -> Result:
    return CliRunner(env=GUARD_ENV).invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("flag", ["--help", "-h"], ids=["long", "short"])
def test_help_lists_examples_and_exit_codes(flag: str) -> None:
    result = invoke(flag)
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "summarise article.txt" in result.stdout
    assert "Exit codes:" in result.stdout
    for code in (EXIT_OK, EXIT_INPUT, EXIT_BACKEND, EXIT_UNGROUNDED):
        assert f"\n    {code}  " in result.stdout


def test_run_help_has_the_same_epilog() -> None:
    result = invoke("run", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "Exit codes:" in result.stdout
    assert "--strict" in result.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"summarise, version {__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], "Usage:"), (["run"], "Missing argument"), (["--bogus", "a.txt"], "No such option")],
    ids=["no-args", "run-without-inputs", "unknown-option"],
)
def test_usage_errors(args: list[str], expected: str) -> None:
    result = invoke(*args)
    assert result.exit_code == EXIT_INPUT
    assert expected in result.output
    assert "Traceback" not in result.output


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"


def bad_input(tmp_path: Path, contents: bytes | None) -> Path:
    """A file holding ``contents``; ``None`` is a missing file."""
    path = tmp_path / "article.txt"
    if contents is not None:
        path.write_bytes(contents)
    return path


def directory_without_articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "photo.png").write_bytes(PNG)
    (folder / ".hidden.txt").write_text("A hidden article.", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("contents", "reason"),
    [
        (None, "no such file"),
        (b"", "file is empty"),
        (b"  \n\t\r\n   \n", "file contains only whitespace"),
        (PNG, "looks like a binary file"),
        (bytes(range(1, 9)) * 16, "looks like a binary file"),
    ],
    ids=["missing", "empty", "whitespace-only", "binary-png", "binary-control-bytes"],
)
def test_bad_file_is_one_line_and_exit_2(
    tmp_path: Path, contents: bytes | None, reason: str
) -> None:
    path = bad_input(tmp_path, contents)
    result = invoke(str(path))
    assert_one_input_error(result, f"summarise: {path}: ", reason)


def test_directory_without_articles_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = directory_without_articles(tmp_path)
    result = invoke(str(folder))
    assert_one_input_error(result, f"summarise: {folder}: ", "is a directory")


def assert_one_input_error(result: Result, prefix: str, reason: str) -> None:
    assert result.exit_code == EXIT_INPUT
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(prefix)
    assert reason in line
    assert "Traceback" not in result.output


def test_each_bad_input_gets_its_own_line(tmp_path: Path) -> None:
    empty = bad_input(tmp_path, b"")
    result = invoke(str(tmp_path / "absent.txt"), str(empty), "--quiet")
    assert result.exit_code == EXIT_INPUT
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("summarise: ") for line in lines)
    assert "absent.txt: no such file" in lines[0]
    assert "is empty" in lines[1]


def loaded_after(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; return which heavy modules it imported."""
    probe = (
        f"import sys\n{code}\nprint('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    [line] = [line for line in done.stdout.splitlines() if line.startswith("LOADED:")]
    return [name for name in line.removeprefix("LOADED:").split(",") if name]


@pytest.mark.parametrize(
    "code",
    [
        "import summarise.cli",
        "from summarise.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exit:\n    assert exit.code == 0",
    ],
    ids=["import", "help"],
)
def test_cli_start_imports_nothing_heavy(code: str) -> None:
    assert loaded_after(code) == []


def test_the_probe_can_see_heavy_imports() -> None:
    assert loaded_after("import pydantic") == ["pydantic"]
