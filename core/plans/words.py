"""How a plan writes numbers, dates, months, metric and role names in the language it speaks now.

Plans are built and rendered inside ``with speaking(lang)`` (:mod:`core.i18n`): the person's copy in their
language, the manager's notes in the viewer's. Everything a plan says with a figure goes through here, so
German reads ``1.234,5``, ``13.08.2026``, ``41,0 %`` and Dutch ``1.234,5``, ``13-08-2026``, ``41,0%``.
English keeps the exact forms the plans have always used (``core.months``, Python's ``,`` grouping), so the
reviewed English documents stay byte for byte the same.

Amounts carry no currency sign in any language: a file's revenue is in its one currency, whichever that is,
and the plan does not guess it (``48.250 pro Monat``, not ``48.250 €``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

from babel.dates import format_date as babel_format_date

from core.i18n import NP_, Language, _, current, pgettext
from core.i18n.formats import BABEL_LOCALES, format_number, format_percent
from core.i18n.formats import format_date as locale_date
from core.months import format_date as english_date
from core.months import month_index, short_label, span_label
from core.schema import role_name as schema_role_name
from core.scoring.metrics import MetricSpec, format_value

TIER_NAMES: Final[dict[str, str]] = {"low": NP_("tier", "low"), "core": NP_("tier", "core"), "top": NP_("tier", "top")}
"""The tiers as the manager's notes name them."""


def tier_name(tier: str) -> str:
    """A tier's name in the plan's language: ``core``, ``Kernteam``, ``kerngroep``."""
    return pgettext("tier", TIER_NAMES[tier]) if tier in TIER_NAMES else tier


def lang() -> Language:
    """The language plans are written in now."""
    return current().language


def english() -> bool:
    """Whether plans are written in English now (the forms the English documents have always had)."""
    return lang() == "en"


def day(value: date) -> str:
    """A date: ``21 Feb 2027``, ``21.02.2027``, ``21-02-2027``."""
    return english_date(value) if english() else locale_date(value, lang())


def _month(index: int, *, year: bool) -> str:
    first = date(index // 12, index % 12 + 1, 1)
    return babel_format_date(first, format="MMM y" if year else "MMM", locale=BABEL_LOCALES[lang()])


def span(periods: Iterable[str]) -> str:
    """The months a window covers: ``Aug–Oct 2026``, ``Aug.–Okt. 2026``, ``aug–okt 2026``; ``""`` for none."""
    periods = [str(p) for p in periods]
    if english():
        return span_label(periods)
    indices = sorted({month_index(p) for p in periods})
    if not indices:
        return ""
    first, last = indices[0], indices[-1]
    if first == last:
        return _month(last, year=True)
    if first // 12 == last // 12:
        return f"{_month(first, year=False)}–{_month(last, year=True)}"
    return f"{_month(first, year=True)}–{_month(last, year=True)}"


def month_tick(period: str) -> str:
    """A month on a chart's axis: ``Aug 26``, ``Aug. 26``, ``aug 26``."""
    if english():
        return short_label(period)
    try:
        index = month_index(period)
    except ValueError:
        return str(period)
    return f"{_month(index, year=False)} {str(index // 12)[-2:]}"


def number(value: float, digits: int = 0) -> str:
    """A number with the language's grouping and decimal marks: ``48,250``, ``48.250``; ``2.5``, ``2,5``."""
    if english():
        return f"{value:,.{digits}f}"
    return format_number(value, lang(), digits=digits)


def signed(value: float) -> str:
    """A change with its sign: ``+1,200`` / ``-300`` (``+1.200`` / ``-300``)."""
    if english():
        return f"{value:+,.0f}"
    return format_number(value, lang(), signed=True)


def percent(share: float, digits: int = 0) -> str:
    """A share as a percentage: ``41.0%``, ``41,0 %`` (German), ``41,0%`` (Dutch)."""
    if english():
        return f"{share * 100:.{digits}f}%"
    return format_percent(share, lang(), digits=digits)


def metric_name(spec: MetricSpec) -> str:
    """A metric's label in the plan's language: ``Close rate``, ``Abschlussquote``, ``Sluitingspercentage``."""
    return _(spec.label)


role_name = schema_role_name
"""A role's long name in the plan's language (``Account Executive``, ``Neukundenverkäufer``)."""


def value(spec: MetricSpec, amount: float) -> str:
    """A metric value as people read it: ``41.0%``, ``22.0 per month``, ``48,250 per month``; ``n/a`` when missing."""
    if english():
        return format_value(spec, amount)
    if amount is None or amount != amount:  # NaN
        return _("n/a")
    if spec.unit == "money per month":  # i18n: data
        return _("{amount} per month").format(amount=number(amount))
    if spec.unit == "%":
        return percent(amount, 1)
    if spec.unit == "×":
        return percent(amount)
    return _("{amount} per month").format(amount=number(amount, 1))


def and_join(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the plan's language."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def capital(text: str) -> str:
    """The text with its first letter upper-case."""
    return text[:1].upper() + text[1:]
