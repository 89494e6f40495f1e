"""Prompt templates: files in ``prompts/``, rendered strictly, versioned by content hash.

Templates are Jinja files so a prompt change is a reviewable diff, never a string literal in code.
Rendering uses ``StrictUndefined``: a template that names a variable nobody passed is an error,
not an empty string. The article is always a *variable value*, never template source, so an
article containing ``{{`` or ``{%`` is printed as it is. (For the same reason the pipeline never
hands instructor a ``context=``, which would re-render the messages as Jinja.)
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import jinja2

from summarise.errors import PromptError

TEMPLATE_SUFFIX = ".jinja"


def prompts_dir() -> Path:
    """Find the templates: shipped inside the package when installed, ``prompts/`` in a checkout."""
    packaged = Path(__file__).with_name("prompts")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    raise PromptError(f"prompt templates not found (looked in {packaged} and {checkout})")


@cache
def _environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, /, **variables: object) -> str:
    """Render template ``name`` (without suffix) with ``variables``; missing ones are errors."""
    environment = _environment(prompts_dir())
    try:
        template = environment.get_template(name + TEMPLATE_SUFFIX)
        return template.render(**variables).strip()
    except jinja2.TemplateNotFound as exc:
        raise PromptError(f"prompt template {name!r} not found in {prompts_dir()}") from exc
    except jinja2.UndefinedError as exc:
        raise PromptError(f"prompt template {name!r}: {exc.message}") from exc


def prompt_version() -> str:
    """A short content hash over every template file, so outputs name the prompts behind them."""
    digest = hashlib.sha256()
    for path in sorted(prompts_dir().rglob("*" + TEMPLATE_SUFFIX)):
        name = path.relative_to(prompts_dir()).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
