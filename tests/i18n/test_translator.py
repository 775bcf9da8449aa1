"""The translator object: German and Dutch from the compiled catalogues, English from the source, nothing global."""

from __future__ import annotations

import builtins
import gettext
from pathlib import Path

import pytest

from core.i18n import LANGUAGES, CatalogueMissing, Translator, language, language_from_locale, translator


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("en", "1 person", "2 people"), ("de", "1 Person", "2 Personen"), ("nl", "1 persoon", "2 personen")],
)
def test_ngettext_picks_the_form_for_the_count(lang: str, one: str, two: str) -> None:
    """ngettext gives each language's singular for 1 and plural for 2."""
    t = translator(lang)
    assert t.ngettext("{n} person", "{n} people", 1).format(n=1) == one
    assert t.ngettext("{n} person", "{n} people", 2).format(n=2) == two


def test_german_and_dutch_translate_and_english_is_the_source() -> None:
    """The same message reads in each language; English is the string in the code."""
    assert [translator(lang).gettext("Overview") for lang in LANGUAGES] == ["Overview", "Übersicht", "Overzicht"]


def test_a_message_not_in_the_catalogue_falls_back_to_english() -> None:
    """A sentence nobody has translated yet is shown in English rather than as nothing."""
    assert translator("de").gettext("A sentence added after the last translation.") == (
        "A sentence added after the last translation."
    )


def test_context_separates_the_same_english_word() -> None:
    """ "Admin" the role and "Admin" the menu section are translated apart."""
    de = translator("de")
    assert de.gettext("Admin") == "Administrator"
    assert de.pgettext("navigation section", "Admin") == "Verwaltung"


def test_translators_are_separate_objects_per_language() -> None:
    """Asking for Dutch does not change what the German translator says (no process-wide install)."""
    de = translator("de")
    translator("nl")
    assert de.gettext("Overview") == "Übersicht"
    assert not hasattr(builtins, "_")  # nothing was installed for the whole process


@pytest.mark.parametrize("value", ["fr", "", "german", "de-DE"])
def test_an_unknown_language_is_refused_with_a_sentence(value: str) -> None:
    """Anything but en, de or nl is a ValueError naming the languages there are."""
    with pytest.raises(ValueError, match="is not a language Coachwise speaks; use one of en, de, nl"):
        translator(value)


def test_language_codes_are_read_forgivingly() -> None:
    """Case and spaces around a code do not matter."""
    assert language(" DE ") == "de"
    assert translator("NL").language == "nl"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("de-DE", "de"),
        ("de-AT", "de"),
        ("de", "de"),
        ("nl-BE", "nl"),
        ("nl_NL", "nl"),
        ("en-US", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_browser_locale_chooses_the_starting_language(tag: str | None, expected: str) -> None:
    """de-* starts in German, nl-* in Dutch, every other browser in English."""
    assert language_from_locale(tag) == expected


def test_a_translator_wraps_any_gettext_catalogue() -> None:
    """The object is a thin typed wrapper: an empty catalogue gives the source strings back."""
    t = Translator("de", gettext.NullTranslations())
    assert t.gettext("Overview") == "Overview"
    assert t.ngettext("{n} person", "{n} people", 3) == "{n} people"


def test_a_missing_catalogue_says_how_to_build_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """German without its compiled catalogue is refused with the make target to run, not shown as English."""
    import core.i18n

    monkeypatch.setattr(core.i18n, "LOCALE_DIR", tmp_path)
    translator.cache_clear()
    try:
        with pytest.raises(CatalogueMissing, match="run `make catalogues`"):
            translator("de")
        assert translator("en").gettext("Overview") == "Overview"  # English needs no catalogue
    finally:
        translator.cache_clear()


def test_core_speaks_the_language_of_its_context_and_goes_back_after() -> None:
    """``speaking`` sets core's language inside the block only; another thread is not touched by it."""
    import threading

    from core.i18n import _ as core_
    from core.i18n import current, speaking

    assert current().language == "en"
    seen: list[str] = []
    with speaking("de"):
        assert core_("Overview") == "Übersicht"
        worker = threading.Thread(target=lambda: seen.append(current().language))
        worker.start()
        worker.join()
        with speaking("nl"):
            assert current().language == "nl"
        assert current().language == "de"
    assert current().language == "en"
    assert seen == ["en"]
