"""Read what the user named (a file, standard input or a URL) into clean article text.

This is the one place that turns bytes into the text every later stage works on: prompts quote
it, grounding locates spans in it, and its hash identifies the article in outputs and evals. So
the rules are few and fixed:

* bytes are decoded as UTF-8 (a byte-order mark is honoured and dropped); only when that fails is
  the encoding detected, so a cp1252 article keeps its "café" and curly quotes;
* NUL bytes, text that no encoding fits, or text full of control characters is refused as binary;
* HTML (by file suffix, by content type, or by a leading ``<!doctype html``/``<html``) is reduced
  to the article body with trafilatura, so navigation, scripts and styles never reach the model;
* every line ending becomes a bare newline and trailing whitespace is dropped; nothing inside
  the text is rewritten.

Every way an input can be unusable ends in one :class:`InputError` whose message names the input.
httpx, trafilatura and charset-normalizer are imported only where needed: importing this module
must stay cheap because the CLI imports it on every start.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from summarise.errors import InputError

if TYPE_CHECKING:
    import httpx

MAX_BYTES: int = 5_000_000
"""Inputs larger than this many bytes (before HTML extraction) are refused."""

FETCH_TIMEOUT: float = 20.0
"""Seconds allowed for each network phase of a URL fetch when this module makes the client."""

ARTICLE_SUFFIXES: frozenset[str] = frozenset({".txt", ".html", ".htm", ".md"})
"""The files :func:`expand_inputs` takes from a directory; anything else there is ignored."""

_HTML_SUFFIXES = frozenset({".html", ".htm"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_NOT_TEXT_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")
_URL = re.compile(r"https?://", re.IGNORECASE)
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")
# Longest marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# Prose has essentially no other C0/C1 control characters; decoded binary has many.
_MAX_CONTROL_RATIO = 0.02


@dataclass(frozen=True)
class Source:
    """Article text ready for the pipeline, with where it came from and a hash to identify it."""

    text: str
    origin: str
    sha256: str

    @classmethod
    def from_text(cls, text: str, origin: str) -> Source:
        """Build a Source whose hash is guaranteed to match its text."""
        return cls(
            text=text, origin=origin, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
        )


def read_source(
    spec: str, *, stdin: BinaryIO | None = None, http: httpx.Client | None = None
) -> Source:
    """Read ``spec`` (a file path, ``-`` for stdin, or an http(s) URL) into clean article text.

    ``stdin`` and ``http`` exist so callers and tests can supply the stream and the HTTP client
    (for example one built on ``httpx.MockTransport``); by default the process's stdin and a
    short-lived client are used. Raises :class:`InputError` for anything that is not usable text.
    """
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_stream(stream, "stdin", "input")
        text = _to_text(data, "stdin", "input", html=False)
    elif _URL.match(spec):
        data, mime, charset = _fetch(spec, http)
        text = _to_text(
            data, spec, "response", html=mime in _HTML_TYPES, declared=charset, url=spec
        )
    else:
        data = _read_file(spec)
        is_html = Path(spec).suffix.lower() in _HTML_SUFFIXES
        text = _to_text(data, spec, "file", html=is_html)
    return Source.from_text(text, spec)


def expand_inputs(specs: Iterable[str]) -> list[str]:
    """Turn the inputs a user typed into the list of inputs to read, in order, without repeats.

    A directory becomes its article files (see :data:`ARTICLE_SUFFIXES`, hidden files skipped,
    sorted, not recursive) and a glob pattern becomes the files it matches (sorted; ``**`` works).
    ``-`` and URLs pass through. A spec that names nothing (a missing file, a pattern without
    matches, a directory without article files) is kept, so :func:`read_source` reports it rather
    than the input vanishing silently. A repeated file (same resolved path), URL or ``-`` is
    dropped, since reading it twice would give a duplicate record (or, for stdin, nothing).
    """
    seen: set[tuple[str, str]] = set()
    expanded: list[str] = []

    def add(spec: str, key: tuple[str, str]) -> None:
        if key not in seen:
            seen.add(key)
            expanded.append(spec)

    for spec in specs:
        if spec == "-" or _URL.match(spec):
            add(spec, ("literal", spec))
            continue
        path = Path(spec)
        if path.is_dir():
            found = [str(file) for file in _article_files(path)]
        elif not path.exists() and _GLOB_CHARS.search(spec):
            found = sorted(
                match for match in glob.glob(spec, recursive=True) if Path(match).is_file()
            )
        else:
            found = []
        for name in found or [spec]:
            add(name, ("path", _resolved(Path(name))))
    return expanded


def _article_files(directory: Path) -> list[Path]:
    """List a directory's visible article files by name; an unreadable one lists as empty."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return []
    return sorted(
        (
            entry
            for entry in entries
            if entry.suffix.lower() in ARTICLE_SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        ),
        key=lambda entry: entry.name,
    )


def _resolved(path: Path) -> str:
    """Return the path's canonical form, so two spellings of one file count once."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop: fall back to the spelling
        return os.path.abspath(path)


def _read_file(spec: str) -> bytes:
    """Read a file's bytes up to the limit, translating OS errors into messages for the user."""
    path = Path(spec)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise _too_large(spec, "file", size)
            return _read_stream(handle, spec, "file")
    except FileNotFoundError:
        if _GLOB_CHARS.search(spec):
            raise InputError(f"{spec}: no file matches this pattern") from None
        raise InputError(f"{spec}: no such file") from None
    except NotADirectoryError:
        raise InputError(f"{spec}: no such file (a part of the path is not a directory)") from None
    except (IsADirectoryError, PermissionError) as exc:
        # Windows reports opening a directory as a permission error, so look before choosing.
        if path.is_dir():
            raise InputError(
                f"{spec}: is a directory; pass the files in it, or use a glob"
            ) from None
        raise InputError(f"{spec}: permission denied; the file cannot be read") from exc
    except OSError as exc:
        raise InputError(f"{spec}: cannot read the file: {_reason(exc)}") from exc


def _read_stream(stream: BinaryIO, name: str, noun: str) -> bytes:
    """Read at most one byte past the limit, so an endless stream cannot exhaust memory."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(name, noun, None)
    return data


def _too_large(name: str, noun: str, size: int | None) -> InputError:
    """Say how big the input is (when known) and what the limit is."""
    if size is None:
        return InputError(f"{name}: {noun} is over the {MAX_BYTES:,}-byte limit")
    return InputError(f"{name}: {noun} is {size:,} bytes, over the {MAX_BYTES:,}-byte limit")


def _fetch(url: str, http: httpx.Client | None) -> tuple[bytes, str, str | None]:
    """GET a URL; return its body, MIME type and declared charset, or fail with one line."""
    import httpx

    client = http if http is not None else httpx.Client(timeout=FETCH_TIMEOUT)
    headers = {"User-Agent": _user_agent()}
    try:
        with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            if response.status_code >= 400:
                status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                raise InputError(f"{url}: cannot fetch URL: {status}")
            mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if mime.startswith(_NOT_TEXT_TYPES):
                raise InputError(f"{url}: the server sent {mime}, not text or HTML")
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BYTES:
                raise _too_large(url, "response", int(length))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise _too_large(url, "response", None)
            return bytes(body), mime, response.charset_encoding
    except httpx.TimeoutException:
        raise InputError(f"{url}: cannot fetch URL: timed out") from None
    except httpx.TooManyRedirects:
        raise InputError(f"{url}: cannot fetch URL: too many redirects") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise InputError(f"{url}: cannot fetch URL: {_reason(exc)}") from exc
    finally:
        if http is None:
            client.close()


def _user_agent() -> str:
    """Name this tool and its version to the servers it fetches from."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"summarise/{version('summarise')}"
    except PackageNotFoundError:
        return "summarise"


def _reason(exc: BaseException) -> str:
    """Reduce an exception to a short lower-case phrase fit for the end of a one-line message."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    text = _ERRNO.sub("", text)
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _to_text(
    data: bytes,
    name: str,
    noun: str,
    *,
    html: bool,
    declared: str | None = None,
    url: str | None = None,
) -> str:
    """Decode, normalise line endings, extract HTML if it is HTML, and refuse empty results."""
    text = _decode(data, name, declared).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        state = "is empty" if not text else "contains only whitespace"
        raise InputError(f"{name}: {noun} {state}")
    if html or _HTML_START.match(text[:1024]):
        text = _extract_article(text, name, url)
    return text.rstrip()


def _decode(data: bytes, name: str, declared: str | None) -> str:
    """Decode bytes as UTF-8, else the declared charset, else the detected one; refuse binary."""
    binary = InputError(f"{name}: looks like a binary file, not text")
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: starts with a {codec.upper()} byte-order mark but is not {codec}"
                ) from None
            break
    else:
        if b"\x00" in data:
            raise binary
        text = _decode_unmarked(data, declared)
    if text is None or _looks_binary(text):
        raise binary
    return text


def _decode_unmarked(data: bytes, declared: str | None) -> str | None:
    """Try UTF-8 first: valid UTF-8 with non-ASCII bytes is almost never anything else."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return _detect(data)


def _detect(data: bytes) -> str | None:
    """Detect a legacy encoding, preferring cp1252 among the equally good guesses.

    On short or Western European text charset-normalizer ranks several single-byte code pages
    as equally clean and lists cp1250 first, which turns latin-1 "naïve" into "naďve". cp1252
    (a superset of latin-1's printable range) is by far the most common of them for news text,
    so among the best-scoring guesses it wins; a clear winner (cp1251, Shift-JIS ...) still wins.
    """
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence
        if tied and "cp1252" in match.could_be_from_charset:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                break
    return str(best)


def _looks_binary(text: str) -> bool:
    """Tell decoded binary from prose by its share of control characters."""
    if not text:
        return False
    controls = sum(
        1
        for char in text
        if (char < " " or "\x7f" <= char <= "\x9f") and char not in _ALLOWED_CONTROLS
    )
    return controls / len(text) > _MAX_CONTROL_RATIO


def _extract_article(html: str, name: str, url: str | None) -> str:
    """Keep the article body of an HTML page; menus, comments, scripts and styles are dropped."""
    import trafilatura

    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name}: no article text found in the HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n")
