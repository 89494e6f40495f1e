"""The only module that talks to a model, through ``openai`` and ``instructor``.

Backends differ by settings, not by classes:

- **compatible**: any OpenAI-compatible server named by ``--base-url`` or ``$OPENAI_BASE_URL``
  (vLLM, Ollama, llama.cpp). ``Mode.TOOLS``: llama.cpp rejects a ``json_schema`` response format
  with HTTP 500 but honours a forced tool call as a decoding grammar.
- **openai**: OpenAI itself when ``$OPENAI_API_KEY`` is set, with strict structured outputs.
- **embedded**: neither set: the bundled model served on 127.0.0.1 (see :mod:`summarise.embedded`)
  and then treated exactly like a compatible server, so one HTTP code path serves all three.

``openai`` and ``instructor`` take about a second to import, so they are imported only when a
backend is opened, never at CLI start.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from summarise import embedded
from summarise.errors import AnswerError, BackendError
from summarise.locations import cache_dir
from summarise.schema import RecordDraft, Usage

if TYPE_CHECKING:
    import instructor
    import openai

BackendKind = Literal["openai", "compatible", "embedded"]
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
MAX_COMPLETION_TOKENS = 3072
"""The answer budget: a record at every list cap (:data:`summarise.schema.MAX_ITEMS`) fits."""
KEEP_PREFIX_ENV = "SUMMARISE_KEEP_PREFIX"
"""``0`` starts the embedded model cold each run: no prompt state read from or written to disk."""
REQUEST_TIMEOUT_S = 600.0
SCHEMA_RETRIES = 2


@dataclass(frozen=True)
class BackendSettings:
    """Which model to ask and how to reach it. The key is kept out of ``repr`` and messages."""

    kind: BackendKind
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model_path: str | None = None
    context_tokens: int = embedded.CONTEXT_TOKENS
    http_retries: int = 3  # the openai client's own retries (429, 5xx, timeouts) with backoff
    keep_prefix: bool = True  # embedded: keep the read prompt prefix on disk between runs

    @classmethod
    def from_environment(
        cls,
        *,
        base_url: str | None = None,
        model: str | None = None,
        model_path: str | None = None,
        context_tokens: int | None = None,
        environ: dict[str, str] | None = None,
    ) -> BackendSettings:
        """Pick the backend from flags first, then ``OPENAI_BASE_URL``/``OPENAI_API_KEY``.

        The context size decides which articles are refused as too long; a compatible server's
        is unknown (Ollama defaults to a few thousand tokens), so ``--context-tokens`` or
        ``$SUMMARISE_CONTEXT_TOKENS`` should say it when the default guess is wrong.
        """
        env = os.environ if environ is None else environ
        key = env.get("OPENAI_API_KEY") or None
        url = base_url or env.get("OPENAI_BASE_URL") or None
        chosen_model = model or env.get("SUMMARISE_MODEL") or None
        told = context_tokens or int(env.get("SUMMARISE_CONTEXT_TOKENS") or 0) or None
        if url:
            return cls("compatible", chosen_model, url, key, context_tokens=told or 32768)
        if key:
            model_name = chosen_model or DEFAULT_OPENAI_MODEL
            return cls("openai", model_name, None, key, None, told or 128000)
        gguf = model_path or env.get(embedded.MODEL_PATH_ENV) or None
        name = Path(gguf).stem if gguf else embedded.MODEL_NAME
        keep_prefix = env.get(KEEP_PREFIX_ENV, "1") != "0"
        return cls("embedded", name, None, None, gguf, keep_prefix=keep_prefix)


ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Reply(Generic[ModelT]):
    """One model answer: the parsed draft and what it cost."""

    draft: ModelT
    usage: Usage
    model: str


class Backend:
    """A connected model: turns chat messages into a validated :class:`RecordDraft`."""

    def __init__(
        self,
        settings: BackendSettings,
        base_url: str | None,
        *,
        repair_url: str | None = None,
        why_stopped: Callable[[], str | None] | None = None,
    ) -> None:
        """Connect to ``base_url``; repairs go to ``repair_url`` if given (see :func:`connect`).

        ``why_stopped`` tells, for a server this process runs, why it is no longer running (see
        :meth:`summarise.embedded.Servers.stopped`), so a lost connection names the cause.
        """
        import instructor
        import openai

        # instructor logs each failed attempt at ERROR; the user gets one line from us instead.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)
        self.settings = settings
        self._why_stopped = why_stopped
        self._openai = openai
        self._raw = self._open(base_url)
        mode = instructor.Mode.TOOLS
        self._client: instructor.Instructor = instructor.from_openai(self._raw, mode=mode)
        self._repair_client = self._client
        if repair_url:
            self._repair_client = instructor.from_openai(self._open(repair_url), mode=mode)
        self.model = settings.model or self._first_served_model()

    def _open(self, base_url: str | None) -> openai.OpenAI:
        client = self._openai.OpenAI(
            api_key=self.settings.api_key or "not-needed",
            base_url=base_url,
            timeout=REQUEST_TIMEOUT_S,
            max_retries=self.settings.http_retries,
        )
        if self.settings.kind == "openai":
            # instructor 1.17 maps Mode.TOOLS_STRICT to plain TOOLS and keeps its own ``strict``
            # argument for validation, so no instructor setting puts "strict": true on the tool.
            # OpenAI gets it here, below instructor; compatible servers differ in what they make
            # of it, so only OpenAI is asked.
            create = client.chat.completions.create
            client.chat.completions.create = _asking_strict(create)  # type: ignore[method-assign]
        return client

    def _first_served_model(self) -> str:
        """A compatible server given no model name: use the first one it serves."""
        try:
            models = self._raw.models.list().data
        except self._openai.OpenAIError as exc:
            raise self._explain(exc) from exc
        if not models:
            raise BackendError("the model server lists no models; pass --model")
        return models[0].id

    def extract(
        self, messages: list[dict[str, Any]], *, max_tokens: int = MAX_COMPLETION_TOKENS
    ) -> Reply[RecordDraft]:
        """Ask for an article record (see :meth:`ask`)."""
        return self.ask(messages, RecordDraft, max_tokens=max_tokens)

    def ask(
        self,
        messages: list[dict[str, Any]],
        response_model: type[ModelT],
        *,
        repair: bool = False,
        max_tokens: int = MAX_COMPLETION_TOKENS,
    ) -> Reply[ModelT]:
        """Ask for ``response_model``; schema-invalid answers are re-asked by instructor.

        ``repair`` sends the request to the repair server when there is one; ``max_tokens``
        caps the answer (a small context leaves less than :data:`MAX_COMPLETION_TOKENS`).
        """
        from instructor.core.exceptions import (
            IncompleteOutputException,
            InstructorError,
            InstructorRetryException,
        )

        client = self._repair_client if repair else self._client
        try:
            draft, completion = client.chat.completions.create_with_completion(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_model=response_model,
                max_retries=SCHEMA_RETRIES,
                temperature=0,
                max_tokens=max_tokens,
            )
        except InstructorRetryException as exc:
            # instructor wraps transport failures too (and retries a body that is not JSON as if
            # it were a bad record); only a failure of the last parsed answer is the model's.
            cause = exc.__cause__ if isinstance(exc.__cause__, Exception) else exc
            parsed = exc.failed_attempts or []
            if not parsed or parsed[-1].exception is not cause:
                raise self._explain(cause) from exc
            # str(exc) opens with an XML dump of the attempts; the cause's first line says more.
            raise self._error(
                f"the model gave no valid record after {exc.n_attempts} attempts: "
                f"{_first_line(str(cause))}",
                kind=AnswerError,
            ) from exc
        except IncompleteOutputException as exc:
            raise self._error(
                f"the model's answer was cut off at {max_tokens} tokens "
                "(it may be looping; try another model or a shorter article)",
                kind=AnswerError,
            ) from exc
        except self._openai.OpenAIError as exc:
            raise self._explain(exc) from exc
        except InstructorError as exc:
            raise self._error(
                f"the model's answer could not be used: {_first_line(str(exc))}", kind=AnswerError
            ) from exc
        usage = completion.usage
        return Reply(
            draft=draft,
            usage=Usage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
            ),
            model=self.model,
        )

    def _explain(self, exc: Exception) -> BackendError:
        """One line a user can act on, naming the server but never the key."""
        where = str(self._raw.base_url).rstrip("/")
        if isinstance(exc, self._openai.APITimeoutError):
            return self._error(f"the model server at {where} timed out")
        if isinstance(exc, self._openai.APIConnectionError):
            stopped = self._why_stopped() if self._why_stopped else None
            if stopped:
                return self._error(f"the embedded model server at {where} stopped: {stopped}")
            return self._error(f"cannot reach the model server at {where}")
        if isinstance(exc, self._openai.APIStatusError):
            # The server's own message, not openai's "Error code: 500 - {repr of the body}".
            body = exc.body.get("message") if isinstance(exc.body, dict) else exc.body
            said = body if isinstance(body, str) and body.strip() else exc.message
            return self._error(
                f"the model server at {where} answered HTTP {exc.status_code}: {_first_line(said)}"
            )
        if isinstance(exc, json.JSONDecodeError):
            return self._error(
                f"the model server at {where} sent a response that is not valid JSON ({exc})"
            )
        return self._error(f"the model server at {where} failed: {_first_line(str(exc))}")

    def _error(self, message: str, kind: type[BackendError] = BackendError) -> BackendError:
        """A server may echo the key back in its error text; it never reaches the user."""
        key = self.settings.api_key
        return kind(message.replace(key, "[key]") if key else message)


def _asking_strict(create: Callable[..., Any]) -> Callable[..., Any]:
    """``create`` with every function tool marked strict (OpenAI's structured outputs)."""

    @functools.wraps(create)
    def strict_create(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("tools"):
            kwargs["tools"] = [
                {**tool, "function": {**tool["function"], "strict": True}}
                if tool.get("type") == "function"
                else tool
                for tool in kwargs["tools"]
            ]
        return create(*args, **kwargs)

    return strict_create


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no details"
    return line if len(line) <= limit else line[: limit - 1] + "…"


@contextmanager
def connect(
    settings: BackendSettings, *, progress: embedded.Progress = embedded._quiet
) -> Iterator[Backend]:
    """Open the configured backend; for the embedded one, start and later stop its server."""
    if settings.kind != "embedded":
        yield Backend(settings, settings.base_url)
        return
    gguf = embedded.model_path(settings.model_path, progress)
    # Two servers over the same memory-mapped weights, one for records and one for repairs:
    # each keeps its own fixed prefix (instructions and tool schema) in its live KV cache, so the
    # two kinds of request never evict each other's, with no prompt cache (see embedded.serve),
    # and on disk between runs (see summarise.prefix_store).
    folder = cache_dir() / "prefixes"
    stores = [folder / "record", folder / "repair"] if settings.keep_prefix else None
    with embedded.serve_several(gguf, 2, progress=progress, prefix_stores=stores) as servers:
        url, repair_url = servers.urls
        yield Backend(settings, url, repair_url=repair_url, why_stopped=servers.stopped)
