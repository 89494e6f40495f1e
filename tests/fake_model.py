"""A fake OpenAI-compatible model server on 127.0.0.1 that answers from a script.

Tests that need a model's *transport* (faults, batches, retries) talk to this real HTTP server
instead of patching the client. It records every request body, so a test can count model calls.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DRAFT: dict[str, Any] = {
    "headline": "Council backs library",
    "summary": "The council voted 7 to 2 for a library.",
    "key_points": ["The vote was 7 to 2.", "The council backs a library.", "The mayor spoke."],
    "entities": [{"name": "Ana Ruiz", "type": "person", "role": "mayor"}],
    "figures": [{"value": "7", "unit": None, "measures": "votes for"}],
    "stances": [
        {"holder": "council", "target": "a library", "stance": "support", "evidence": "voted"}
    ],
}


def completion(arguments: dict[str, Any], name: str = "RecordDraft") -> dict[str, Any]:
    """A chat completion whose one tool call ``name`` carries ``arguments`` (instructor TOOLS)."""
    call = {"name": name, "arguments": json.dumps(arguments)}
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": call}],
    }
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": message}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


@dataclass
class Answer:
    """One scripted response: a JSON value or raw bytes, after an optional delay."""

    status: int = 200
    body: Any = field(default_factory=lambda: completion(DRAFT))
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


OK = Answer()


def error(status: int, message: str = "server exploded") -> Answer:
    return Answer(status, {"error": {"message": message, "type": "server_error"}})


class Server:
    """A loopback server answering from ``script`` in order (the last answer repeats)."""

    def __init__(self) -> None:
        self.script: list[Answer] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append(json.loads(raw))
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                answer = server.script.pop(0) if len(server.script) > 1 else server.script[0]
                if server.stopping.wait(answer.delay_s):
                    return
                body = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body)
                payload = body.encode() if isinstance(body, str) else body
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout case)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = False  # so server_close() joins every handler thread
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)


@contextmanager
def running_server() -> Iterator[Server]:
    """Start a scripted server answering OK by default; stop it and join its threads after."""
    scripted = Server()
    scripted.script = [Answer()]
    scripted.thread.start()
    try:
        yield scripted
    finally:
        scripted.stopping.set()
        scripted.httpd.shutdown()
        scripted.httpd.server_close()
        scripted.thread.join()
