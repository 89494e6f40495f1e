"""Tests for summarise.prompts: strict rendering, articles as data, a content-hash version."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise import prompts
from summarise.errors import PromptError
from summarise.pipeline import first_messages


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty template folder that the module reads instead of ``prompts/``."""
    monkeypatch.setattr(prompts, "prompts_dir", lambda: tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("source", "variables"),
    [
        ("Hello {{ who }}", {}),
        ("{% for p in problems %}{{ p }}{% endfor %}", {}),
        ("{{ item.missing }}", {"item": {}}),
        ("{{ who }} and {{ other }}", {"who": "x"}),
        ("{{ who | upper }}", {}),
    ],
    ids=["plain-variable", "loop-over-missing", "missing-key", "second-missing", "filtered"],
)
def test_undefined_variable_is_an_error(
    folder: Path, source: str, variables: dict[str, object]
) -> None:
    (folder / "t.jinja").write_text(source, encoding="utf-8")
    with pytest.raises(PromptError, match="prompt template 't'"):
        prompts.render("t", **variables)


def test_defined_variables_render(folder: Path) -> None:
    (folder / "t.jinja").write_text("Hello {{ who }}\n", encoding="utf-8")
    assert prompts.render("t", who="world") == "Hello world"


def test_a_template_variable_may_be_called_name(folder: Path) -> None:
    (folder / "t.jinja").write_text("Hello {{ name }}", encoding="utf-8")
    assert prompts.render("t", name="world") == "Hello world"


def test_missing_template_is_an_error(folder: Path) -> None:
    with pytest.raises(PromptError, match="'absent' not found"):
        prompts.render("absent")


ARTICLES = [
    "Leaked config: {{ config }} and {{ config.items() }}",
    "A loop {% for x in y %}{{ x }}{% endfor %} in prose",
    "An unclosed comment {# starts here",
    "Raw {% raw %} and {{ '{{' }} and }} and %}",
]


@pytest.mark.parametrize("article", ARTICLES, ids=["variable", "loop", "comment", "raw-mixed"])
def test_article_is_rendered_verbatim(article: str) -> None:
    system, user = first_messages(article)
    assert system["role"] == "system"
    assert user["role"] == "user"
    assert article in user["content"]
    assert user["content"].count(article) == 1


def test_prompt_version_is_stable(folder: Path) -> None:
    (folder / "a.jinja").write_text("one {{ x }}", encoding="utf-8")
    (folder / "b.jinja").write_text("two", encoding="utf-8")
    assert prompts.prompt_version() == prompts.prompt_version()


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.jinja", "one {{ x }} "), ("b.jinja", "TWO"), ("c.jinja", "three")],
    ids=["whitespace-edit", "word-edit", "new-template"],
)
def test_prompt_version_follows_template_content(folder: Path, name: str, content: str) -> None:
    (folder / "a.jinja").write_text("one {{ x }}", encoding="utf-8")
    (folder / "b.jinja").write_text("two", encoding="utf-8")
    before = prompts.prompt_version()
    (folder / name).write_text(content, encoding="utf-8")
    assert prompts.prompt_version() != before


def test_prompt_version_ignores_other_files(folder: Path) -> None:
    (folder / "a.jinja").write_text("one", encoding="utf-8")
    before = prompts.prompt_version()
    (folder / "notes.txt").write_text("not a template", encoding="utf-8")
    assert prompts.prompt_version() == before


def test_prompt_version_of_shipped_templates() -> None:
    version = prompts.prompt_version()
    assert len(version) == 12
    assert int(version, 16) >= 0


def test_shipped_record_system_renders() -> None:
    text = prompts.render("record.system")
    assert "EXACTLY" in text
    assert "{{" not in text


def test_shipped_record_user_renders() -> None:
    text = prompts.render("record.user", article="The mayor spoke.")
    assert "The mayor spoke." in text
    assert "{{" not in text


def test_shipped_record_user_needs_the_article() -> None:
    with pytest.raises(PromptError, match="article"):
        prompts.render("record.user")


def test_shipped_repair_user_lists_each_failed_item() -> None:
    from summarise.repair import Target

    items = [
        Target("stances[0]", "We never lose", "shows the stance of Ana Ruiz"),
        Target("stances[1]", "about 3 bridges", "shows the stance of Tom Bell"),
    ]
    text = prompts.render("repair.user", excerpt="The {{ mayor }} spoke.", items=items)
    assert "The {{ mayor }} spoke." in text
    lines = text.splitlines()
    assert "- stances[0] (evidence; shows the stance of Ana Ruiz), given as: We never lose" in lines
    assert any(line.startswith("- stances[1] (evidence; shows the stance of Tom") for line in lines)


def test_shipped_repair_system_renders() -> None:
    assert "null" in prompts.render("repair.system")
