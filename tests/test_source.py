"""Tests for summarise.source: files, stdin and URLs into clean text, or one clear InputError."""

from __future__ import annotations

import hashlib
import io
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from summarise import source
from summarise.errors import InputError
from summarise.source import Source, expand_inputs, read_source

CP1252_ARTICLE = (
    "The mayor said \u201cthe caf\u00e9 on Rue Saint-Denis will stay open\u201d, adding that"
    " it\u2019s a landmark \u2013 residents cheered.\n"
)
LATIN1_ARTICLE = (
    "Na\u00efve se\u00f1or in Z\u00fcrich: caf\u00e9 cr\u00e8me, fa\u00e7ade, Stra\u00dfe.\n"
)

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><title>Bridge</title>
<style>body { color: red } .STYLE_LEAK { display: none }</style>
<script>var tracker = "SCRIPT_LEAK";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council votes to close bridge</h1>
<p>The city council voted on Monday to close the old bridge to cars, citing safety concerns
raised by engineers last year.</p>
<p>\u201cIt\u2019s the right call,\u201d said the mayor, adding that the caf\u00e9 would
stay open.</p>
</article>
<script>console.log("FOOTER_SCRIPT_LEAK")</script></body></html>
"""

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"


def noise(size: int, seed: int = 7) -> bytes:
    """Random bytes with no NUL, so binary must be caught without relying on the NUL check."""
    rng = random.Random(seed)
    return bytes(rng.randrange(1, 256) for _ in range(size))


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- files that read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(
            "plain.txt",
            b"Hello, world.\nSecond line.\n",
            "Hello, world.\nSecond line.",
            id="utf8-plain",
        ),
        pytest.param(
            "bom.txt",
            b"\xef\xbb\xbf" + "\u201cQuoted\u201d caf\u00e9\n".encode(),
            "\u201cQuoted\u201d caf\u00e9",
            id="utf8-bom-stripped",
        ),
        pytest.param(
            "legacy.txt",
            CP1252_ARTICLE.encode("cp1252"),
            CP1252_ARTICLE.rstrip(),
            id="cp1252-curly-quotes-and-cafe",
        ),
        pytest.param(
            "latin1.txt",
            LATIN1_ARTICLE.encode("latin-1"),
            LATIN1_ARTICLE.rstrip(),
            id="latin1-accents",
        ),
        pytest.param(
            "short.txt",
            "caf\u00e9 cr\u00e8me".encode("latin-1"),
            "caf\u00e9 cr\u00e8me",
            id="latin1-two-words",
        ),
        pytest.param(
            "utf16.txt",
            "\ufeffUTF-16 caf\u00e9\r\n".encode("utf-16-le"),
            "UTF-16 caf\u00e9",
            id="utf16-with-bom",
        ),
        pytest.param("crlf.txt", b"one\r\ntwo\r\n\r\n  \t", "one\ntwo", id="crlf-and-trailing"),
        pytest.param("cr.txt", b"one\rtwo\r", "one\ntwo", id="old-mac-cr"),
        pytest.param(
            "inside.md",
            b"  Indented lead\n\n\tTabbed  line  \n\n\n",
            "  Indented lead\n\n\tTabbed  line",
            id="inside-whitespace-kept",
        ),
    ],
)
def test_read_file_decodes_and_normalises(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    spec = write(tmp_path, name, data)
    result = read_source(spec)
    assert result.text == expected
    assert result.origin == spec
    assert result.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("page.html", id="by-suffix-html"),
        pytest.param("page.htm", id="by-suffix-htm"),
        pytest.param("page.txt", id="by-content-doctype"),
    ],
)
def test_html_file_keeps_article_and_drops_scripts_and_styles(tmp_path: Path, name: str) -> None:
    text = read_source(write(tmp_path, name, ARTICLE_HTML.encode())).text
    assert "The city council voted on Monday" in text
    assert "\u201cIt\u2019s the right call,\u201d" in text
    for leak in ("SCRIPT_LEAK", "STYLE_LEAK", "color: red", "<p>", "<script"):
        assert leak not in text


def test_html_fragment_file_is_extracted_by_suffix(tmp_path: Path) -> None:
    fragment = b"<article><p>Fragment body text.</p></article><script>var SCRIPT_LEAK;</script>"
    assert read_source(write(tmp_path, "fragment.html", fragment)).text == "Fragment body text."


def test_html_sniffed_after_leading_whitespace(tmp_path: Path) -> None:
    spec = write(tmp_path, "page.txt", b"\n  <html><body><p>Body text.</p></body></html>")
    assert read_source(spec).text == "Body text."


def test_text_that_mentions_html_is_not_extracted(tmp_path: Path) -> None:
    body = "Use <html> tags, she said.\n<p>is literal here</p>"
    assert read_source(write(tmp_path, "note.txt", body.encode())).text == body


# --- files that do not read -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        pytest.param("empty.txt", b"", "file is empty", id="empty"),
        pytest.param("blank.txt", b" \n\t\r\n  ", "contains only whitespace", id="whitespace-only"),
        pytest.param("nul.txt", b"abc\x00def ghi", "looks like a binary file", id="nul-bytes"),
        pytest.param(
            "one-nul.txt",
            b"A long line of ordinary prose. " * 20 + b"\x00",
            "looks like a binary file",
            id="prose-with-one-nul",
        ),
        pytest.param("image.png", PNG_HEADER, "looks like a binary file", id="png-header"),
        pytest.param("noise.bin", noise(2048), "looks like a binary file", id="random-bytes"),
        pytest.param(
            "short.bin", noise(48, seed=3), "looks like a binary file", id="random-48-bytes"
        ),
        pytest.param(
            "controls.txt",
            bytes(range(1, 32)) * 4,
            "looks like a binary file",
            id="control-characters",
        ),
        pytest.param(
            "badbom.txt",
            b"\xef\xbb\xbfcaf\xe9",
            "byte-order mark",
            id="utf8-bom-then-latin1",
        ),
        pytest.param(
            "empty.html",
            b"<html><body></body></html>",
            "no article text found in the HTML",
            id="html-without-body",
        ),
        pytest.param(
            "table.html",
            b"<html><body><table><tr><td>Only a table</td></tr></table></body></html>",
            "no article text found in the HTML",
            id="html-table-only",
        ),
    ],
)
def test_read_file_refuses_unusable_content(
    tmp_path: Path, name: str, data: bytes, phrase: str
) -> None:
    spec = write(tmp_path, name, data)
    with pytest.raises(InputError) as caught:
        read_source(spec)
    message = str(caught.value)
    assert phrase in message
    assert message.startswith(f"{spec}: ")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        pytest.param(lambda tmp: str(tmp / "missing.txt"), "no such file", id="missing-file"),
        pytest.param(
            lambda tmp: str(tmp / "nothing-*.txt"),
            "no file matches this pattern",
            id="glob-without-matches",
        ),
        pytest.param(
            lambda tmp: str(tmp),
            "is a directory; pass the files in it, or use a glob",
            id="directory",
        ),
    ],
)
def test_read_source_reports_paths_that_name_no_file(
    tmp_path: Path, make: Callable[[Path], str], phrase: str
) -> None:
    spec = make(tmp_path)
    with pytest.raises(InputError, match=phrase) as caught:
        read_source(spec)
    assert str(caught.value).startswith(f"{spec}: ")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (tests may run as root in containers), so fake the OS refusal.
    spec = write(tmp_path, "secret.txt", b"text")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if str(self) == spec:
            raise PermissionError(13, "Permission denied", spec)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"secret\.txt: permission denied"):
        read_source(spec)


# --- size limit -----------------------------------------------------------------------------


def test_file_over_limit_says_size_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    spec = write(tmp_path, "big.txt", b"x" * 11)
    with pytest.raises(InputError, match=r"big\.txt: file is 11 bytes, over the 10-byte limit"):
        read_source(spec)


def test_file_at_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    assert read_source(write(tmp_path, "fits.txt", b"x" * 10)).text == "x" * 10


def test_stdin_over_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", 10)
    with pytest.raises(InputError, match=r"stdin: input is over the 10-byte limit"):
        read_source("-", stdin=io.BytesIO(b"x" * 11))


# --- stdin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"From stdin\r\nline two\r\n", "From stdin\nline two", id="utf8-crlf"),
        pytest.param(CP1252_ARTICLE.encode("cp1252"), CP1252_ARTICLE.rstrip(), id="cp1252"),
        pytest.param(ARTICLE_HTML.encode(), None, id="html-sniffed"),
    ],
)
def test_stdin(data: bytes, expected: str | None) -> None:
    result = read_source("-", stdin=io.BytesIO(data))
    assert result.origin == "-"
    if expected is None:
        assert "The city council voted" in result.text
        assert "SCRIPT_LEAK" not in result.text
    else:
        assert result.text == expected


def test_empty_stdin() -> None:
    with pytest.raises(InputError, match=r"^stdin: input is empty$"):
        read_source("-", stdin=io.BytesIO(b""))


# --- URLs -----------------------------------------------------------------------------------

URL = "https://news.example/article"
Handler = Callable[[httpx.Request], httpx.Response]


def fetch(handler: Handler, url: str = URL) -> Source:
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        return read_source(url, http=client)


def test_url_html_follows_redirect_and_extracts() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": URL})
        return httpx.Response(
            200, content=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    result = fetch(handler, "https://news.example/old")
    assert result.origin == "https://news.example/old"
    assert "The city council voted on Monday" in result.text
    assert "SCRIPT_LEAK" not in result.text
    assert [str(request.url) for request in seen] == ["https://news.example/old", URL]
    assert seen[0].headers["User-Agent"].startswith("summarise")


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        pytest.param(
            "text/plain; charset=windows-1252",
            CP1252_ARTICLE.encode("cp1252"),
            CP1252_ARTICLE.rstrip(),
            id="declared-cp1252",
        ),
        pytest.param(
            "text/plain",
            CP1252_ARTICLE.encode("cp1252"),
            CP1252_ARTICLE.rstrip(),
            id="undeclared-cp1252",
        ),
        pytest.param(
            "text/plain; charset=iso-8859-1",
            "caf\u00e9 \u201cok\u201d".encode(),
            "caf\u00e9 \u201cok\u201d",
            id="utf8-body-wins-over-wrong-header",
        ),
        pytest.param(
            # Too short for detection to get right: the declared charset must be used.
            "text/plain; charset=iso-8859-2",
            "\u0141\u00f3d\u017a".encode("iso-8859-2"),
            "\u0141\u00f3d\u017a",
            id="declared-iso-8859-2",
        ),
        pytest.param(
            "text/html; charset=utf-8",
            b"<div><p>Served as HTML without a doctype.</p></div><style>.STYLE_LEAK{}</style>",
            "Served as HTML without a doctype.",
            id="html-by-content-type",
        ),
    ],
)
def test_url_plain_text(content_type: str, body: bytes, expected: str) -> None:
    result = fetch(
        lambda _: httpx.Response(200, content=body, headers={"Content-Type": content_type})
    )
    assert result.text == expected


def raise_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def raise_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("The read operation timed out", request=request)


def redirect_forever(request: httpx.Request) -> httpx.Response:
    return httpx.Response(302, headers={"Location": URL})


@pytest.mark.parametrize(
    ("handler", "phrase"),
    [
        pytest.param(lambda _: httpx.Response(404), "HTTP 404 Not Found", id="http-404"),
        pytest.param(lambda _: httpx.Response(503), "HTTP 503", id="http-503"),
        pytest.param(raise_connect, "cannot fetch URL: connection refused", id="connect-error"),
        pytest.param(raise_timeout, "cannot fetch URL: timed out", id="timeout"),
        pytest.param(redirect_forever, "too many redirects", id="redirect-loop"),
        pytest.param(
            lambda _: httpx.Response(
                200, content=PNG_HEADER, headers={"Content-Type": "image/png"}
            ),
            "the server sent image/png, not text or HTML",
            id="image-content-type",
        ),
        pytest.param(
            lambda _: httpx.Response(
                200, content=PNG_HEADER, headers={"Content-Type": "text/plain"}
            ),
            "looks like a binary file",
            id="binary-body",
        ),
        pytest.param(lambda _: httpx.Response(200, content=b""), "response is empty", id="empty"),
        pytest.param(
            lambda _: httpx.Response(
                200, content=b"<html><body></body></html>", headers={"Content-Type": "text/html"}
            ),
            "no article text found in the HTML",
            id="html-without-article",
        ),
    ],
)
def test_url_failures_are_one_line_input_errors(handler: Handler, phrase: str) -> None:
    with pytest.raises(InputError) as caught:
        fetch(handler)
    message = str(caught.value)
    assert phrase in message
    assert message.startswith(f"{URL}: ")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("headers", "phrase"),
    [
        pytest.param({}, "response is 11 bytes, over the 10-byte limit", id="content-length"),
        pytest.param(
            {"Transfer-Encoding": "chunked"}, "response is over the 10-byte limit", id="streamed"
        ),
    ],
)
def test_url_over_limit(
    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], phrase: str
) -> None:
    monkeypatch.setattr(source, "MAX_BYTES", 10)

    def handler(_: httpx.Request) -> httpx.Response:
        if headers:
            return httpx.Response(200, content=iter([b"x" * 6, b"x" * 5]), headers=headers)
        return httpx.Response(200, content=b"x" * 11)

    with pytest.raises(InputError, match=phrase):
        fetch(handler)


# --- expand_inputs --------------------------------------------------------------------------


def test_expand_directory_takes_article_files_sorted(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("b.html", "a.txt", "d.md", "c.htm", "e.pdf", "f.json", ".hidden.txt", "G.TXT"):
        (folder / name).write_text("x")
    (folder / "sub.txt").mkdir()
    (folder / "sub.txt" / "inner.txt").write_text("x")
    assert expand_inputs([str(folder)]) == [
        str(folder / name) for name in ("G.TXT", "a.txt", "b.html", "c.htm", "d.md")
    ]


def test_expand_globs_keeps_order_drops_duplicates_and_keeps_unknowns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("b.txt", "a.txt", "c.md"):
        Path(name).write_text("x")
    Path("nested").mkdir()
    Path("nested/deep.md").write_text("x")
    Path("dir.txt").mkdir()  # a directory matching the glob is not a file to read
    Path("empty").mkdir()
    specs = [
        "c.md",
        "*.txt",
        "-",
        URL,
        "./a.txt",  # same file as a.txt from the glob
        str(tmp_path / "c.md"),  # same file as c.md, spelled absolute
        "nested/../b.txt",
        "missing.txt",
        "nothing-*.txt",
        "**/*.md",
        URL,
        "-",
        "empty",
    ]
    assert expand_inputs(specs) == [
        "c.md",
        "a.txt",
        "b.txt",
        "-",
        URL,
        "missing.txt",
        "nothing-*.txt",
        os.path.join("nested", "deep.md"),
        "empty",
    ]


def test_expand_drops_symlink_to_same_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("x")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert expand_inputs([str(target), str(link)]) == [str(target)]


# --- the module stays cheap to import -------------------------------------------------------


def test_import_does_not_load_heavy_dependencies() -> None:
    code = (
        "import sys, summarise.source; "
        "heavy = ('httpx', 'trafilatura', 'charset_normalizer'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_url_without_injected_client_uses_own_client_and_closes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[httpx.Client] = []
    real_client = httpx.Client

    def offline_client(**kwargs: object) -> httpx.Client:
        assert kwargs == {"timeout": source.FETCH_TIMEOUT}
        client = real_client(
            timeout=source.FETCH_TIMEOUT,
            transport=httpx.MockTransport(lambda _: httpx.Response(200, content=b"Plain body.")),
        )
        made.append(client)
        return client

    monkeypatch.setattr(httpx, "Client", offline_client)
    assert read_source(URL).text == "Plain body."
    assert len(made) == 1
    assert made[0].is_closed
