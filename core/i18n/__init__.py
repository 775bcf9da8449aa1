"""Coachwise in English, German and Dutch: the languages, and a translator object per language.

Every user-facing sentence is written in English in the source and marked for extraction with
``_()`` (or ``ngettext`` for plurals); ``pybabel`` collects them into ``locale/messages.pot`` and
the German and Dutch catalogues (``locale/<lang>/LC_MESSAGES/coachwise.po``), which ``make``
compiles to ``.mo`` files. English needs no catalogue: its messages are the source strings.

There is no process-wide language (no ``gettext.install()``): a caller asks :func:`translator` for
the object of the language it serves — a Streamlit session its viewer's, a command its ``--lang`` —
so two people on one server read their own languages at the same time. Only the standard library
is imported here, so the command line stays quick to start; formatting with Babel lives in
:mod:`core.i18n.formats`.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

Language = Literal["en", "de", "nl"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "de", "nl")
DEFAULT_LANGUAGE: Final[Language] = "en"
LANGUAGE_NAMES: Final[dict[Language, str]] = {"en": "English", "de": "Deutsch", "nl": "Nederlands"}
"""Each language in its own words, as a language picker shows it (never translated)."""

DOMAIN: Final = "coachwise"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"


class CatalogueMissing(FileNotFoundError):
    """A German or Dutch catalogue has not been compiled (``make catalogues`` builds it)."""


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional name for "mark, translate later")
    """Mark ``message`` for extraction without translating it: for constants translated where shown."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802
    """Mark ``message`` with a ``context`` (``pgettext``'s), for a word that reads differently elsewhere."""
    del context
    return message


def language(value: str) -> Language:
    """The language ``value`` names (``"de"``, ``" NL "``), or a ValueError with a sentence.

    Args:
        value: A language code as a user typed it (``--lang``, ``COACHWISE_LANG``).

    Returns:
        One of :data:`LANGUAGES`.

    Raises:
        ValueError: When ``value`` is not one of them.
    """
    code = value.strip().lower()
    if code not in LANGUAGES:
        raise ValueError(
            _("'{value}' is not a language Coachwise speaks; use one of {codes} (English, German, Dutch).").format(
                value=value, codes=", ".join(LANGUAGES)
            )
        )
    return code


def language_from_locale(tag: str | None) -> Language:
    """The language for a browser's locale tag: ``de-*`` is German, ``nl-*`` Dutch, anything else English.

    Args:
        tag: A BCP 47 tag such as ``"de-CH"`` or ``"nl_BE"`` (``navigator.language``), or None.
    """
    primary = (tag or "").replace("_", "-").split("-", 1)[0].strip().lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def catalogue_path(lang: Language) -> Path:
    """Where the compiled catalogue of ``lang`` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@dataclass(frozen=True)
class Translator:
    """The messages of one language: ``gettext`` for a sentence, ``ngettext`` for one with a count, ``pgettext``
    for a word whose translation depends on where it stands ("Admin" the role, "Admin" the menu section).

    Pages and commands alias them as ``_`` and ``ngettext`` so ``pybabel extract`` finds the strings.
    A message missing from the catalogue is shown in English.
    """

    language: Language
    catalogue: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` in this language: ``ngettext("{n} person", "{n} people", 2)`` → ``"{n} Personen"``."""
        return self.catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in this language as it reads in ``context``."""
        return self.catalogue.pgettext(context, message)


@cache
def translator(lang: str) -> Translator:
    """The translator of ``lang`` (one per language and process; it is read-only, so sessions share it).

    Args:
        lang: ``"en"``, ``"de"`` or ``"nl"``.

    Returns:
        English: the source strings themselves. German and Dutch: their compiled catalogue, where a
        message not translated yet falls back to English.

    Raises:
        ValueError: When ``lang`` is not a language Coachwise speaks.
        CatalogueMissing: When the German or Dutch catalogue has not been compiled.
    """
    code = language(lang)
    if code == DEFAULT_LANGUAGE:
        return Translator(code, gettext.NullTranslations())
    path = catalogue_path(code)
    if not path.is_file():
        raise CatalogueMissing(
            _(
                "The {language} messages are not compiled ({path} is missing); run `make catalogues` and start again."
            ).format(language=LANGUAGE_NAMES[code], path=path)
        )
    with path.open("rb") as file:
        return Translator(code, gettext.GNUTranslations(file))


# The language core's sentences are written in right now: one value per thread/context (a Streamlit script run,
# a command line call, a plan rendered in its reader's language), never process-wide.
_SPEAKING: ContextVar[Translator | None] = ContextVar("coachwise_speaking", default=None)


def current() -> Translator:
    """The translator core's sentences use now (English unless :func:`speak` or :func:`speaking` chose another)."""
    return _SPEAKING.get() or translator(DEFAULT_LANGUAGE)


def speak(lang: str) -> None:
    """Write core's sentences in ``lang`` from now on in this context (a Streamlit run sets its viewer's at the top)."""
    _SPEAKING.set(translator(lang))


@contextmanager
def speaking(lang: str) -> Iterator[Translator]:
    """Write core's sentences in ``lang`` inside the ``with`` block, then go back to the language before.

    ``with speaking(person_language): build_plan(...)`` gives a person their plan in their language while the
    page around it stays in the viewer's.
    """
    token = _SPEAKING.set(translator(lang))
    try:
        yield _SPEAKING.get() or translator(lang)
    finally:
        _SPEAKING.reset(token)


def _(message: str) -> str:
    """``message`` in the language core speaks now (see :func:`current`)."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the language core speaks now; format ``{n}`` in afterwards."""
    return current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as it reads in ``context``, in the language core speaks now."""
    return current().pgettext(context, message)
