"""The session's language: chosen from the browser, changed in the sidebar, and the ``_()`` every page calls.

The language lives in ``st.session_state`` — one value per browser session, nothing process-wide — so
two people on one server each read their own. ``_``, ``ngettext`` and the formatters look it up at
each call; pages import them and write ``_("Overview")`` as if the language were fixed.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    CatalogueMissing,
    Language,
    Translator,
    formats,
    language_from_locale,
    speak,
    translator,
)

LANGUAGE = "i18n_language"  # the session's language: "en", "de" or "nl"
PICKER = "i18n_picker"  # the sidebar's language select box
REQUESTED = "i18n_requested"  # a language to switch to at the top of the next run (the account's, at sign-in)


def _browser_locale() -> str | None:
    """The browser's ``navigator.language`` (None outside a browser, e.g. in AppTest)."""
    try:
        return st.context.locale
    except Exception:  # noqa: BLE001  (no browser context)
        return None


def init_language() -> None:
    """Start the session in the browser's language (``de-*`` German, ``nl-*`` Dutch, else English), once;
    switch to a language asked for in the previous run (before the picker is drawn, so it shows it too)."""
    st.session_state.setdefault(LANGUAGE, language_from_locale(_browser_locale()))
    requested = st.session_state.pop(REQUESTED, None)
    if requested in LANGUAGES:
        st.session_state[LANGUAGE] = st.session_state[PICKER] = requested


def request_language(lang: str) -> None:
    """Switch this session to ``lang`` from the next run on (call ``st.rerun()`` after)."""
    st.session_state[REQUESTED] = lang


def current_language() -> Language:
    """The language this session reads."""
    value = st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr() -> Translator:
    """This session's translator; English, after one sentence, when the chosen language's catalogue is missing."""
    try:
        return translator(current_language())
    except CatalogueMissing as exc:
        st.session_state[LANGUAGE] = DEFAULT_LANGUAGE
        st.error(str(exc), icon=":material/translate:")
        return translator(DEFAULT_LANGUAGE)


def speak_session_language() -> None:
    """Let core write its sentences (validation, chain reasons, plans) in this session's language for this run.

    A script run is one thread with its own context, so this is per session. A cached function that returns
    sentences must take the language among its arguments, or one session's words would be served to another.
    """
    speak(tr().language)


def _(message: str) -> str:
    """``message`` in this session's language."""
    return tr().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in this session's language (format ``{n}`` in afterwards)."""
    return tr().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as it reads in ``context``, in this session's language."""
    return tr().pgettext(context, message)


def number(value: float, *, digits: int = 0) -> str:
    """A number as this session's reader writes it: ``1,234.5`` / ``1.234,5``."""
    return formats.format_number(value, current_language(), digits=digits)


def percent(share: float, *, digits: int = 0) -> str:
    """A share (``0.19``) as this session's reader writes a percentage: ``19%`` / ``19 %``."""
    return formats.format_percent(share, current_language(), digits=digits)


def day(value: date) -> str:
    """A date as this session's reader writes it: ``13 Aug 2026`` / ``13.08.2026`` / ``13-08-2026``."""
    return formats.format_date(value, current_language())


def moment(value: datetime) -> str:
    """A date and time to the minute, in this session's format."""
    return formats.format_datetime(value, current_language())


def month(period: str) -> str:
    """A ``YYYY-MM`` month with its name in this session's language."""
    return formats.format_month(period, current_language())


# Streamlit's DatetimeColumn takes a moment.js pattern and renders it in the browser with English month
# names, so German and Dutch tables use numeric dates in their own order.
_TABLE_DATETIME: dict[Language, str] = {"en": "D MMM YYYY, HH:mm", "de": "DD.MM.YYYY, HH:mm", "nl": "DD-MM-YYYY, HH:mm"}


def table_datetime_format(*, seconds: bool = False) -> str:
    """The ``format`` of a ``st.column_config.DatetimeColumn`` in this session's language (to the second if asked)."""
    pattern = _TABLE_DATETIME[current_language()]
    return pattern + ":ss" if seconds else pattern


def language_picker() -> None:
    """The sidebar's language select box: it changes the language of this session only."""

    def chosen() -> None:
        st.session_state[LANGUAGE] = st.session_state[PICKER]

    options = list(LANGUAGES)
    with st.sidebar:
        st.selectbox(
            _("Language"),
            options,
            index=options.index(current_language()),
            format_func=LANGUAGE_NAMES.__getitem__,
            key=PICKER,
            on_change=chosen,
        )
