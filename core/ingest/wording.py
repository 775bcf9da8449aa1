"""Numbers in the sentences ``core.ingest`` writes, in the language core speaks now.

English keeps the grouping it always had (``8,825``); German and Dutch write ``8.825``. Babel is
imported on the first number, not with the reader, so a command that reads no file starts quickly.
Row and column numbers are left as they are: a spreadsheet shows them without grouping. Month spans
are named with the language's month abbreviations (CLDR, as :mod:`core.i18n.formats` does).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.i18n import _, current
from core.months import month_index, span_label


def number(value: float, *, digits: int = 0) -> str:
    """``value`` with the current language's grouping and decimal marks: ``8,825`` (en), ``8.825`` (de, nl)."""
    from core.i18n.formats import format_number

    return format_number(value, current().language, digits=digits)


def span(periods: Iterable[str]) -> str:
    """The months ``periods`` cover, as :func:`core.months.span_label` names them, in the current language.

    ``Jan–Dec 2026`` (en), ``Jan.–Dez. 2026`` (de), ``jan–dec 2026`` (nl); ``""`` for no months.
    """
    lang = current().language
    if lang == "en":
        return span_label(periods)
    from babel.dates import get_month_names

    from core.i18n.formats import BABEL_LOCALES

    indices = sorted({month_index(p) for p in {str(p) for p in periods}})
    if not indices:
        return ""
    names = get_month_names("abbreviated", locale=BABEL_LOCALES[lang])
    (y0, m0), (y1, m1) = divmod(indices[0], 12), divmod(indices[-1], 12)
    if indices[0] == indices[-1]:
        return f"{names[m1 + 1]} {y1}"
    if y0 == y1:
        return f"{names[m0 + 1]}–{names[m1 + 1]} {y1}"
    return f"{names[m0 + 1]} {y0}–{names[m1 + 1]} {y1}"


def unmapped_note(fields: Iterable[str]) -> list[str]:
    """The warning naming the fields a file has no column for (empty list when it has them all)."""
    missing = list(fields)
    return [_("Not in the file (left blank): {fields}.").format(fields=", ".join(missing))] if missing else []
