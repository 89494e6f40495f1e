"""One error tree for every failure a user can meet, each with a message written for them.

    SummariseError            root: the CLI prints ``str(error)`` on one line, no traceback
    ├── InputError            the article cannot be read: missing, empty, binary, too long ...
    ├── BackendError          the model cannot be reached or keeps answering badly
    │   └── ModelUnavailable  no backend configured and the embedded model is not installed
    ├── PromptError           a prompt template is missing or needs a variable nobody gave it
    └── EvalError             gold or stored outputs are missing, unreviewed or stale

Each class carries the exit code the CLI uses, so scripts can tell the cases apart.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INPUT = 2
EXIT_BACKEND = 3
EXIT_UNGROUNDED = 4
EXIT_PROMPT = 5
EXIT_EVAL = 6
EXIT_INTERRUPTED = 130


class SummariseError(Exception):
    """Root of every error this package raises on purpose."""

    exit_code = EXIT_FAILURE


class InputError(SummariseError):
    """The input cannot be turned into article text."""

    exit_code = EXIT_INPUT


class BackendError(SummariseError):
    """The model backend failed: unreachable, erroring, or unable to produce a valid record."""

    exit_code = EXIT_BACKEND


class AnswerError(BackendError):
    """The backend answered, but not usably: cut off at the token cap, or invalid after re-asks.

    Told apart from a backend that cannot be reached or fails, because a caller may carry on
    without an optional answer (a repair) but not without a working backend.
    """


class ModelUnavailable(BackendError):
    """No backend is configured and the embedded model is not installed."""


class PromptError(SummariseError):
    """A prompt template is missing or could not be rendered strictly."""

    exit_code = EXIT_PROMPT


class EvalError(SummariseError):
    """The evaluation cannot run as asked (missing, unreviewed or stale cases)."""

    exit_code = EXIT_EVAL
