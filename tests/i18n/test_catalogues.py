"""The catalogue check (run by `make test`): what the code marks for translation is translated in de and nl.

1. Extraction (``pybabel extract`` with babel.cfg, as ``make messages`` runs it) over core/, app_pages/,
   ui/ and app.py: every marked string must be in the German and Dutch catalogues, with a translation
   (every plural form), not fuzzy, and with the same ``{placeholders}`` as the English.
2. The modules in :data:`TRANSLATED` are translated completely: no user-facing text in them is left
   unmarked (a string literal or f-string given to Streamlit as a label, help, caption or message, or
   to an Altair chart as a title). The list is every module of app_pages/, ui/ and core/ (and app.py),
   found on disk, so a new module is checked from the start.
3. A core module on the list builds no sentence outside the translator: no string or f-string of three
   words or more (an exception's message, a reason, a note) that is not inside ``_()``, ``ngettext()``
   or ``N_()``. Docstrings, logging calls, regular expressions, the items of a collection literal and
   the keys of a dict (header vocabularies, stage names: data, not text) and a line marked
   ``# i18n: data`` are not sentences to translate.
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
    *sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("app_pages", "ui", "core")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ),
)
"""Every module a user's text can come from: the pages, the Streamlit glue and core (#16). A new module is
checked from the day it is added; only the database migrations are left out (they write no text)."""

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
    core = path.is_relative_to(ROOT / "core")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") in {"_LOG", "logging"}:
            continue  # _LOG.warning(...) writes the server's log, not a message on the page
        if core and not isinstance(node.func, ast.Attribute):
            continue  # core never imports streamlit: its own text() or write() is not Streamlit's
        candidates = [kw.value for kw in node.keywords if kw.arg in _SHOWN_KEYWORDS]
        if name in _SHOWN:
            candidates += node.args[:1] if name != "link" else node.args[1:2]
        found += [f"{path.name}:{value.lineno}: {ast.unparse(value)}" for value in candidates if literal(value)]
    return found


@pytest.mark.parametrize("module", TRANSLATED)
def test_translated_modules_mark_every_shown_string(module: str) -> None:
    """In a module on the translated list, no label, caption, message or chart title skips the translator."""
    assert not _unmarked(ROOT / module)


def test_the_unmarked_check_notices_english(tmp_path: Path) -> None:
    """The check above would fail on a page that still passes English straight to Streamlit."""
    page = tmp_path / "page.py"
    page.write_text(
        'st.title(_("Impact"))\n'
        'st.metric("Coachees compared", 3)\n'
        'st.caption(f"Showing {n} coaches")\n'
        'st.slider(_("Horizon"), 1, 24, help="Months ahead")\n'
        'alt.X("lift:Q", title="Mean lift")\n',
        encoding="utf-8",
    )
    assert len(_unmarked(page)) == 4


_MARKERS = {"_", "ngettext", "N_", "NP_", "pgettext"}


def _untranslated_sentences(path: Path) -> list[str]:
    """Sentences (three words or more) a core module writes without the translator (see point 3 above)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # a docstring, of a module, class, function or attribute
        elif isinstance(node, ast.Set | ast.List | ast.Tuple):
            skip.update(id(item) for item in node.elts if isinstance(item, ast.Constant))
        elif isinstance(node, ast.Dict):  # keys are looked up (a title → its role); values are still checked
            skip.update(id(key) for key in node.keys if isinstance(key, ast.Constant))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if name in _MARKERS or owner in {"_LOG", "re"}:  # a log line or a pattern is not read by the user
                skip.update(id(inner) for inner in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):  # the f-string's own text, not the values put into it
            skip.update(id(inner) for inner in ast.walk(node))
            text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        else:
            continue
        pattern = "(?" in text  # a regular expression kept in a constant
        if (
            " " in text
            and len(re.findall(r"[A-Za-z]{2,}", text)) >= 3
            and not pattern
            and "i18n: data" not in lines[node.lineno - 1]
        ):
            found.append(f"{path.name}:{node.lineno}: {text[:80]!r}")
    return found


@pytest.mark.parametrize("module", [m for m in TRANSLATED if m.startswith("core/") and m != "core/cli.py"])
def test_translated_core_modules_build_no_english_sentence(module: str) -> None:
    """In a core module on the translated list, every message, reason and note goes through the translator."""
    assert not _untranslated_sentences(ROOT / module)


def test_the_sentence_check_notices_english(tmp_path: Path) -> None:
    """The check above fails on an exception message or a returned note written as a plain (f-)string."""
    module = tmp_path / "reader.py"
    module.write_text(
        '''"""A reader."""
HEADERS = {"Closed Won Amount", "Sales Rep ID"}


def read(name: str) -> str:
    """Read it."""
    if not name:
        raise ValueError(f"'{name}' is empty; export the data again.")
    return "Dropped one totals row."
''',
        encoding="utf-8",
    )
    assert sorted(line.split(":")[1] for line in _untranslated_sentences(module)) == ["8", "9"]
