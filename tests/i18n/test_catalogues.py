"""The catalogue check (run by `make test`): what the code marks for translation is translated in de and nl.

1. Extraction (``pybabel extract`` with babel.cfg, as ``make messages`` runs it) over core/, app_pages/,
   ui/ and app.py: every marked string must be in the German and Dutch catalogues, with a translation
   (every plural form), not fuzzy, and with the same ``{placeholders}`` as the English.
2. The modules in :data:`TRANSLATED` are translated completely: no user-facing text in them is left
   unmarked (a string literal or f-string given to Streamlit as a label, help, caption or message, or
   to an Altair chart as a title). This list grows with each page converted; a module not on it may
   still show English text (README "Languages" says which pages are translated so far).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from core.i18n import LOCALE_DIR

from conftest import ROOT

TRANSLATED: tuple[str, ...] = (
    "app.py",
    "app_pages/overview.py",
    "app_pages/plans.py",
    "app_pages/retention.py",
    "app_pages/audit.py",
    "app_pages/users.py",
    "ui/nav.py",
    "ui/auth.py",
    "ui/i18n.py",
    "ui/dataset.py",
    "core/cli.py",
    "core/plans/calendar.py",
    "core/plans/content.py",
    "core/plans/diagnosis.py",
    "core/plans/document.py",
    "core/plans/hr_review.py",
    "core/plans/model.py",
    "core/plans/render.py",
    "core/plans/sections.py",
    "core/plans/store.py",
    "core/plans/support.py",
    "core/plans/words.py",
)
"""Modules whose every user-facing string is marked: the first slice of #16 (grow it page by page)."""

# Streamlit calls whose first argument (or label/help/title/caption keyword) a person reads.
_SHOWN = {
    "title", "header", "subheader", "markdown", "caption", "write", "text", "info", "warning", "error",
    "success", "metric", "button", "toggle", "checkbox", "selectbox", "multiselect", "radio", "text_input",
    "text_area", "number_input", "slider", "select_slider", "date_input", "file_uploader", "download_button",
    "form_submit_button", "expander", "tabs", "link", "page_link", "popover", "status", "spinner", "toast",
}  # fmt: skip
_SHOWN_KEYWORDS = {"label", "help", "title", "caption", "placeholder"}
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _extracted(tmp_path: Path) -> Catalog:
    """The messages ``make messages`` would extract now (same mapping file and keywords)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "NP_:1c,2",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with pot.open("rb") as file:
        return read_po(file)


def _catalogue(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "coachwise.po").open("rb") as file:
        return read_po(file, locale=lang)


def _strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _ids(message: Message) -> tuple[str, ...]:
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The strings marked in the code today."""
    return _extracted(tmp_path_factory.mktemp("extract"))


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_every_marked_string_is_in_the_catalogue(extracted: Catalog, lang: str) -> None:
    """A string marked in the code but missing from the .po file means `make messages` was not run."""
    catalogue = _catalogue(lang)
    missing = [m.id for m in extracted if m.id and catalogue.get(m.id, context=m.context) is None]
    assert not missing, f"run `make messages` and translate these in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_every_entry_is_translated_and_not_fuzzy(lang: str) -> None:
    """Each entry of the catalogue has a translation for every plural form, and none is marked fuzzy."""
    catalogue = _catalogue(lang)
    assert not catalogue.fuzzy, f"the {lang} catalogue's header is marked fuzzy"
    untranslated = [m.id for m in catalogue if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"no {lang} translation: {untranslated}"
    assert not fuzzy, f"fuzzy in {lang} (check the translation, then remove the flag): {fuzzy}"


@pytest.mark.parametrize("lang", ["de", "nl"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    """A translation names the same {placeholders} as the English, or .format() would fail on that page."""
    wrong = []
    for message in _catalogue(lang):
        if not message.id:
            continue
        wanted = set(_PLACEHOLDER.findall(_ids(message)[-1]))
        for text in _strings(message):
            if set(_PLACEHOLDER.findall(text)) != wanted:
                wrong.append((message.id, text))
    assert not wrong, wrong


def _unmarked(path: Path) -> list[str]:
    """Literal text handed to Streamlit or Altair in ``path`` without going through ``_()``."""

    def words(text: str) -> bool:  # icons (":material/person:") and the product's name are not words to translate
        return bool(re.search(r"[A-Za-z]{2}", re.sub(r":material/\w+:|\bCoachwise\b", "", text)))

    def literal(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return words(node.value)
        if isinstance(node, ast.JoinedStr):  # an f-string: its own text, not the values put into it
            return any(isinstance(v, ast.Constant) and words(str(v.value)) for v in node.values)
        return False

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        candidates = [kw.value for kw in node.keywords if kw.arg in _SHOWN_KEYWORDS]
        if name in _SHOWN:
            candidates += node.args[:1] if name != "link" else node.args[1:2]
        found += [f"{path.name}:{value.lineno}: {ast.unparse(value)}" for value in candidates if literal(value)]
    return found


@pytest.mark.parametrize("module", TRANSLATED)
def test_translated_modules_mark_every_shown_string(module: str) -> None:
    """In a module on the translated list, no label, caption, message or chart title skips the translator."""
    assert not _unmarked(ROOT / module)


def test_the_unmarked_check_notices_english() -> None:
    """The check above would fail on a page that still passes English straight to Streamlit."""
    assert _unmarked(ROOT / "app_pages" / "impact.py")
