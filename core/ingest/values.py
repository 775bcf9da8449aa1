"""Parse the cells of an uploaded sheet into numbers, months and yes/no answers.

Readers hand over each column as an object Series: CSV cells are stripped ``str``
("" for blank), XLSX cells may also be native ``int``, ``float``, ``bool``,
``datetime``/``date``. Every parser here returns a :class:`Parsed`: the values,
a mask of cells that were filled in but could not be read, and one human reason
to show next to those cells. Blank cells (``""``, ``None``, NaN) are missing,
never invalid.

German, Swiss, Austrian and Dutch spreadsheets are normal input (PRODUCT.md):
decimal commas, ``1.234,56 €``, ``1'234.50``, ``15.01.2026``, ``März 2026``.

Everything is vectorised with pandas string methods. Parsers work on the
*distinct* cell values where that pays (months, yes/no, repeated numbers) and
map the result back, so 480,000 rows cost about as much as their unique values.
Formulas and Excel error strings (``=1+2``, ``#DIV/0!``) are never evaluated:
they are invalid. Control characters and terminal escape codes are taken out of
every cell before any parser sees it (:func:`strip_control_characters`), with the
removed parts named so the import report can warn about each cell.
"""

from __future__ import annotations

import datetime as dt
import decimal as _decimal
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from core.i18n import N_, _
from core.text import has_unsafe, safe_text, shorten, unsafe_parts

if TYPE_CHECKING:
    import pyarrow as pa

# The reasons a parser gives, in English (marked); a Parsed result carries them in the language core speaks.
CONTROL_REASON: Final = N_("control characters removed: {characters}")
NUMBER_REASON: Final = N_("not a number")
PERIOD_REASON: Final = N_("not a month (expected e.g. 2026-01, 01.2026, Jan 2026)")
YES_NO_REASON: Final = N_("not yes or no")

# Years outside this range are typos, not months anyone reports on.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2199
# Excel stores dates as days since 1899-12-30; 20000..80000 is 1954-10-03..2119-01-10.
EXCEL_ORIGIN: Final = "1899-12-30"
EXCEL_SERIAL_MIN: Final = 20000
EXCEL_SERIAL_MAX: Final = 80000


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one column.

    Attributes:
        values: Parsed values with the input's index; missing (NaN / ``pd.NA``) where the
            cell was blank or invalid.
        invalid: Bool Series with the input's index; True where the cell was filled in but
            could not be parsed.
        reason: A short human reason that applies to every invalid cell.
    """

    values: pd.Series
    invalid: pd.Series
    reason: str


# --------------------------------------------------------------------------------------
# Cell kinds
# --------------------------------------------------------------------------------------


def _kind_of_type(kind: type) -> str:
    """Classify a Python type: "str", "bool", "num", "date", "blank" or "other"."""
    if issubclass(kind, str):
        return "str"
    if issubclass(kind, (bool, np.bool_)):
        return "bool"
    if kind is type(None) or kind is type(pd.NA) or kind is type(pd.NaT):
        return "blank"  # NaT subclasses datetime, so it is checked first
    if issubclass(kind, (numbers.Number, _decimal.Decimal)) and not issubclass(kind, complex):
        return "num"
    if issubclass(kind, (dt.date, np.datetime64)):
        return "date"
    return "other"


def _kinds(values: pd.Series) -> pd.Series:
    """Return the kind of every cell (see :func:`_kind_of_type`), same index.

    ``map(type)`` is a single C-level pass; the classification itself runs once per
    distinct type, of which a column has a handful.
    """
    if _only_text(values):  # a CSV's cells: one C-level scan says so, no type() per cell
        return pd.Series(np.where(values.isna().to_numpy(dtype=bool), "blank", "str"), index=values.index, dtype=object)
    types = values.map(type)
    lookup = {kind: _kind_of_type(kind) for kind in types.unique()}
    return types.map(lookup).astype(object)


def _only_text(values: pd.Series) -> bool:
    """Whether every cell that is not blank is a ``str`` (pandas' C-level type inference, blanks skipped)."""
    return len(values) > 0 and pd.api.types.infer_dtype(values, skipna=True) == "string"


def _as_object(values: pd.Series) -> pd.Series:
    return values.astype(object)


def _clean_text(text: pd.Series) -> pd.Series:
    """Unify the spaces, apostrophes and minus signs spreadsheets use, then strip."""
    text = text.str.replace("[\u00a0\u2007\u2009\u202f\t]", " ", regex=True)
    text = text.str.replace("[\u2019\u02bc\u2032`\u00b4]", "'", regex=True)
    text = text.str.replace("\u2212", "-", regex=False)
    return text.str.strip()


def _by_unique(
    values: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, np.ndarray]]
) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct cell once and broadcast the result back to every row.

    Args:
        values: Object Series of cells.
        parse: Receives the distinct non-missing cells (object Series, fresh index) and
            returns (parsed object values with NA for missing, bool invalid mask).

    Returns:
        (values, invalid) aligned with ``values``; cells that are NaN/None/NA/NaT are
        missing and valid.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed, bad = parse(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    # One extra slot for the NA sentinel (-1 indexes the last element).
    parsed_values = np.append(parsed.to_numpy(dtype=object), [pd.NA])
    bad_values = np.append(bad, [False])
    out = pd.Series(parsed_values[codes], index=values.index, dtype=object)
    invalid = pd.Series(bad_values[codes], index=values.index, dtype=bool)
    return out, invalid


# --------------------------------------------------------------------------------------
# Control characters
# --------------------------------------------------------------------------------------


def strip_control_characters(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Take control characters and terminal escape codes out of a column's text cells.

    Every imported field is one line, so TAB, CR and LF become a space like the other
    word-separating controls; the rest (BEL, ESC sequences, C1) are removed.

    Args:
        values: Cells of one column (any types; only strings are touched).

    Returns:
        (cleaned cells, reasons): the cells with the characters removed, same index; and for
        each changed cell only, ``"control characters removed: \\x1b[31m, \\x07"``.
    """
    texts = [v for v in values.unique() if isinstance(v, str)]
    # One scan over all distinct texts at once: almost every file has nothing to remove.
    if not has_unsafe("".join(texts), one_line=True):
        return values, pd.Series(dtype=object)
    changed = {v: safe_text(v, one_line=True).strip() for v in texts if has_unsafe(v, one_line=True)}
    hit = values.isin(list(changed))
    cleaned = values.copy()
    cleaned[hit] = values[hit].map(changed)
    removed = {v: shorten(", ".join(unsafe_parts(v, one_line=True)), 120) for v in changed}
    template = _(CONTROL_REASON)  # once per column; a sentence per distinct changed text, not per cell
    said = {v: template.format(characters=removed[v]) for v in changed}
    reasons = values[hit].map(said).astype(object)
    return cleaned, reasons


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

_CURRENCY: Final = r"€|\$|£|CHF|EUR|USD|GBP|SFR|Fr\."
_NUMBER_CELL: Final = (
    r"(?i)^(?P<open>\()?"
    r" *(?P<s1>[-+])?"
    rf" *(?P<c1>{_CURRENCY})?"
    r" *(?P<s2>[-+])?"
    r" *(?P<num>[.,]?[0-9](?:[0-9.,' ]*[0-9])?[.,]?)"
    r"(?P<exp>e[-+]?[0-9]+)?"
    rf" *(?:(?P<pct>%)|(?P<c2>{_CURRENCY}))?"
    r" *(?P<close>\))?$"
)
# The digits of a number: plain, or grouped in threes by one kind of separator.
_NUMBER_BODY: Final = {
    ".": r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]{1,3}(?:(?:,[0-9]{3})+|(?:'[0-9]{3})+|(?: [0-9]{3})+)(?:\.[0-9]*)?",
    ",": r"[0-9]+(?:,[0-9]*)?|,[0-9]+|[0-9]{1,3}(?:(?:\.[0-9]{3})+|(?:'[0-9]{3})+|(?: [0-9]{3})+)(?:,[0-9]*)?",
}
_GROUPING: Final = {".": "[,' ]", ",": "[.' ]"}
_PLAIN_NUMBER: Final = {mark: rf"[-+]?(?:{body})" for mark, body in _NUMBER_BODY.items()}


def _plain_numbers(text: pd.Series, decimal: str) -> np.ndarray:
    """Convert strings already known to be ``[sign] digits`` with valid grouping."""
    digits = text.str.replace(_GROUPING[decimal], "", regex=True)
    if decimal == ",":
        digits = digits.str.replace(",", ".", regex=False)
    return pd.to_numeric(digits, errors="coerce").to_numpy(dtype="float64")


def _dressed_numbers(text: pd.Series, decimal: str) -> np.ndarray:
    """Parse strings with currency, percent, parentheses or exponents; NaN where invalid."""
    parts = text.astype(object).str.extract(_NUMBER_CELL)
    num = parts["num"].fillna("")
    ok = num.str.fullmatch(_NUMBER_BODY[decimal]).fillna(False).astype(bool)
    grouped = num.str.contains(_GROUPING[decimal], regex=True).fillna(False).astype(bool)
    has = parts.notna()
    ok &= ~(has["s1"] & has["s2"])
    ok &= ~(has["c1"] & has["c2"])
    ok &= ~(has["pct"] & (has["c1"] | has["c2"]))
    ok &= has["open"] == has["close"]
    ok &= ~(has["open"] & (has["s1"] | has["s2"]))
    ok &= ~(has["exp"] & grouped)

    magnitude = _plain_numbers((num + parts["exp"].fillna("")).where(ok, ""), decimal)
    minus = (parts["s1"] == "-").fillna(False) | (parts["s2"] == "-").fillna(False) | has["open"]
    result = np.where(minus.to_numpy(dtype=bool), -magnitude, magnitude)
    return np.where(has["pct"].to_numpy(dtype=bool), result / 100.0, result)


def _numbers_from_text(text: pd.Series, decimal: str) -> np.ndarray:
    """Parse cleaned, non-blank number strings; NaN where a string is not a number.

    Most cells are plain (``-1.234,5``) and take a fast full-match path; only the rest
    (currency, percent, parentheses, exponents, junk) go through the full pattern.
    """
    result = np.full(len(text), np.nan)
    plain = text.str.fullmatch(_PLAIN_NUMBER[decimal]).fillna(False).to_numpy(dtype=bool)
    if plain.any():
        result[plain] = _plain_numbers(text[plain], decimal)
    if not plain.all():
        result[~plain] = _dressed_numbers(text[~plain], decimal)
    return result


def parse_numbers(values: pd.Series, *, decimal: str = ".") -> Parsed:
    """Parse counts and amounts typed the way people type them.

    Accepts native ``int``/``float``; strings with the given decimal mark and thousands
    grouped by ``,``/``.`` (whichever is not the decimal mark), spaces, non-breaking spaces
    or apostrophes (Swiss ``1'234.50``); currency symbols or codes before or after
    (€ $ £ CHF EUR USD GBP SFR); a leading ``+``/``-``/``−``; accounting negatives
    ``(1.234,00)``; scientific notation ``1.5E+06`` (ungrouped); and percentages, which
    become fractions (``23,5 %`` → 0.235).

    Rejects text, booleans, dates, infinities, Excel error strings (``#N/A``), ``n/a``,
    dashes and formulas (``=1+2``, never evaluated).

    Args:
        values: Cells of one column.
        decimal: The decimal mark, "." or "," (see :func:`detect_decimal`).

    Returns:
        Float64 values, NaN where blank or invalid.

    Raises:
        ValueError: When ``decimal`` is neither "." nor ",".
    """
    if decimal not in _NUMBER_BODY:
        raise ValueError(_("The decimal mark must be '.' or ',', not {mark!r}.").format(mark=decimal))
    cells = _as_object(values)
    kinds = _kinds(cells).to_numpy()
    result = np.full(len(cells), np.nan)
    invalid = np.isin(kinds, ["bool", "date", "other"]) & cells.notna().to_numpy(dtype=bool)

    is_num = kinds == "num"
    if is_num.any():
        native = pd.to_numeric(cells[is_num], errors="coerce").to_numpy(dtype="float64")
        result[is_num] = np.where(np.isfinite(native), native, np.nan)
        invalid[is_num] = np.isinf(native)

    is_str = kinds == "str"
    if is_str.any():
        codes, uniques = pd.factorize(cells[is_str])
        text = _clean_text(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
        blank = (text == "").to_numpy(dtype=bool)
        parsed = _numbers_from_text(text.where(~blank, "0"), decimal)
        parsed_bad = ~blank & np.isnan(parsed)
        result[is_str] = np.where(blank, np.nan, parsed)[codes]
        invalid[is_str] = parsed_bad[codes]

    return Parsed(
        values=pd.Series(result, index=values.index, dtype="float64"),
        invalid=pd.Series(invalid, index=values.index, dtype=bool),
        reason=_(NUMBER_REASON),
    )


_DECIDES_COMMA: Final = r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]*|[0-9]{1,3}(?:\.[0-9]{3}){2,}|[0-9]*,[0-9]+"
_DECIDES_POINT: Final = r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]*|[0-9]{1,3}(?:,[0-9]{3}){2,}|[0-9]*\.[0-9]+"
# A number with optional sign, currency (symbol or three-letter code), percent or parentheses.
_NUMBER_LIKE: Final = r"\(? *[-+]? *(?:[€$£]|[a-z]{3})? *[-+]? *[0-9][0-9.,' ]*(?: *(?:%|[€$£]|[a-z]{3}))? *\)?"
# "1,234" / "1.234": a thousands separator or a decimal mark with three decimals.
_AMBIGUOUS: Final = r"[1-9][0-9]{0,2}[.,][0-9]{3}"


DECIMAL_SAMPLE: Final = 50_000


def detect_decimal(values: Iterable[pd.Series]) -> str:
    """Guess the decimal mark of a sheet from its number-like string cells.

    Cells vote: ``1.234,56``, ``12,5``, ``1.234.567`` for ","; ``1,234.56``, ``12.5``,
    ``1,234,567`` for ".". Spaces, apostrophes, currency, signs and percent are ignored.
    Ambiguous cells (``1,234`` / ``1.234``) count only when no cell decides; native numbers
    never vote. A column longer than :data:`DECIMAL_SAMPLE` cells votes with an evenly spread
    sample of that many (a file's decimal mark is a property of the whole file, so a majority over
    tens of thousands of cells is the same as over all of them, at a fraction of the time).

    Args:
        values: Columns (object Series) whose string cells may hold numbers.

    Returns:
        "," or "." (the majority; "." on a tie or when nothing looks like a number).
    """
    comma = point = comma_ambiguous = point_ambiguous = 0
    for column in values:
        if len(column) > DECIMAL_SAMPLE:
            column = column.iloc[:: -(-len(column) // DECIMAL_SAMPLE)]
        cells = _as_object(column)
        strings = cells[(_kinds(cells) == "str").to_numpy()]
        if strings.empty:
            continue
        counts = _clean_text(strings.astype("str")).value_counts()
        text = pd.Series(counts.index, dtype="str")
        weight = counts.to_numpy()
        looks = text.str.fullmatch(_NUMBER_LIKE, case=False).fillna(False).to_numpy(dtype=bool)
        num = text[looks].str.replace("[^0-9.,]", "", regex=True)
        weight = weight[looks]
        ambiguous = num.str.fullmatch(_AMBIGUOUS).to_numpy(dtype=bool)
        to_comma = num.str.fullmatch(_DECIDES_COMMA).to_numpy(dtype=bool) & ~ambiguous
        to_point = num.str.fullmatch(_DECIDES_POINT).to_numpy(dtype=bool) & ~ambiguous
        has_dot = num.str.contains(".", regex=False).to_numpy(dtype=bool)
        comma += int(weight[to_comma].sum())
        point += int(weight[to_point].sum())
        # "1.234" reads as a thousands dot, so it leans to a decimal comma, and vice versa.
        comma_ambiguous += int(weight[ambiguous & has_dot].sum())
        point_ambiguous += int(weight[ambiguous & ~has_dot].sum())
    if comma == 0 and point == 0:
        comma, point = comma_ambiguous, point_ambiguous
    return "," if comma > point else "."


# --------------------------------------------------------------------------------------
# Periods (months)
# --------------------------------------------------------------------------------------

MONTH_NAMES: Final[dict[str, int]] = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # German (with Austrian Jänner / Feber)
    "januar": 1, "jänner": 1, "jän": 1, "jaenner": 1, "jaen": 1, "februar": 2, "feber": 2,
    "märz": 3, "mär": 3, "maerz": 3, "mrz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "okt": 10, "dezember": 12, "dez": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mrt": 3, "mei": 5, "augustus": 8,
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2,
    "fev": 2, "mars": 3, "avril": 4, "avr": 4, "juin": 6, "juillet": 7, "juil": 7, "août": 8,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "déc": 12,
}  # fmt: skip

_TIME: Final = r"(?:[ t]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?: ?(?:z|am|pm|[-+][0-9]{2}:?[0-9]{2}))?)?"
_WORD: Final = r"[^\W\d_]+"
_YEAR: Final = r"[0-9]{4}|[0-9]{2}"
# Named groups: y (year, 2 or 4 digits), m (month number), mon (month name), d (day), serial.
_PERIOD_PATTERNS: Final = (
    rf"^(?P<y>[0-9]{{4}})[-/.](?P<m>[0-9]{{1,2}})(?:[-/.](?P<d>[0-9]{{1,2}}))?{_TIME}$",  # 2026-01(-15)
    r"^(?P<y>(?:19|20|21)[0-9]{2})(?P<m>[0-9]{2})(?P<d>[0-9]{2})?$",  # 202601, 20260115
    r"^(?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$",  # 01/2026, 1.2026
    rf"^(?P<d>[0-9]{{1,2}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<y>{_YEAR}){_TIME}$",  # 15.01.2026, day first
    rf"^(?P<mon>{_WORD})\.?[ ,/'.-]*(?P<y>{_YEAR})$",  # Jan 2026, jan-26, März 2026
    rf"^(?P<y>[0-9]{{4}})[ ,/.-]*(?P<mon>{_WORD})\.?$",  # 2026 Jan
    rf"^(?P<d>[0-9]{{1,2}})\.?[ -]*(?P<mon>{_WORD})\.?[ ,-]*(?P<y>{_YEAR})$",  # 15. Januar 2026
    rf"^(?P<mon>{_WORD})\.? (?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,? (?P<y>[0-9]{{4}})$",  # January 15, 2026
    r"^(?P<serial>[0-9]{5}(?:[.,][0-9]+)?)$",  # Excel serial day number as text
)
_DAYS_IN_MONTH: Final = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _month_labels(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Format year/month arrays (valid ones only) as "YYYY-MM" strings."""
    years = pd.Series(year.astype("int64")).astype(str).str.zfill(4)
    months = pd.Series(month.astype("int64")).astype(str).str.zfill(2)
    return (years + "-" + months).to_numpy(dtype=object)


def _periods_from_serial(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (year, month, ok) for Excel serial day numbers (float array, NaN allowed)."""
    ok = np.isfinite(serial) & (serial >= EXCEL_SERIAL_MIN) & (serial <= EXCEL_SERIAL_MAX)
    days = np.where(ok, np.floor(np.nan_to_num(serial)), EXCEL_SERIAL_MIN)
    dates = pd.to_datetime(days, unit="D", origin=EXCEL_ORIGIN)
    return dates.year.to_numpy(dtype="float64"), dates.month.to_numpy(dtype="float64"), ok


def _group_numbers(parts: pd.DataFrame, name: str, names: dict[str, int] | None = None) -> np.ndarray:
    """Return one extracted group as floats (NaN where absent); month names looked up in ``names``."""
    if name not in parts:
        return np.full(len(parts), np.nan)
    group = parts[name]
    if names is not None:
        group = group.str.rstrip(".").map(names)
    return pd.to_numeric(group, errors="coerce").to_numpy(dtype="float64")


def _periods_from_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (year, month, ok) for lower-cased, cleaned strings."""
    n = len(text)
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    day = np.full(n, np.nan)
    serial = np.full(n, np.nan)
    matched = np.zeros(n, dtype=bool)
    for pattern in _PERIOD_PATTERNS:
        parts = text.str.extract(pattern)
        hit = parts.notna().any(axis=1).to_numpy(dtype=bool) & ~matched
        if not hit.any():
            continue
        matched |= hit
        if "serial" in parts:
            raw = parts["serial"].str.replace(",", ".", regex=False)
            serial[hit] = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")[hit]
            continue
        year[hit] = _group_numbers(parts, "y")[hit]
        day[hit] = _group_numbers(parts, "d")[hit]
        if "mon" in parts:
            month[hit] = _group_numbers(parts, "mon", names=MONTH_NAMES)[hit]
        else:
            month[hit] = _group_numbers(parts, "m")[hit]

    year = np.where(year < 100, year + 2000, year)  # two-digit years: 26 -> 2026
    ok = matched & (month >= 1) & (month <= 12) & (year >= MIN_YEAR) & (year <= MAX_YEAR)
    safe_month = np.where(ok, month, 1).astype("int64")
    safe_year = np.where(ok, year, 2000).astype("int64")
    leap = (safe_year % 4 == 0) & ((safe_year % 100 != 0) | (safe_year % 400 == 0))
    last_day = _DAYS_IN_MONTH[safe_month - 1] + ((safe_month == 2) & leap)
    ok &= np.isnan(day) | ((day >= 1) & (day <= last_day))

    from_serial = ~np.isnan(serial)
    if from_serial.any():
        s_year, s_month, s_ok = _periods_from_serial(serial)
        year = np.where(from_serial, s_year, year)
        month = np.where(from_serial, s_month, month)
        ok = np.where(from_serial, s_ok, ok)
    return year, month, ok


def _periods_from_numbers(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (year, month, ok) for native numbers: Excel serials, YYYYMM or YYYYMMDD ints."""
    year, month, ok = _periods_from_serial(numbers)
    whole = np.isfinite(numbers) & (numbers == np.floor(np.nan_to_num(numbers)))
    as_int = np.where(whole, np.nan_to_num(numbers), 0).astype("int64")
    yyyymm = whole & (as_int >= MIN_YEAR * 100 + 1) & (as_int <= MAX_YEAR * 100 + 12)
    yyyymmdd = whole & (as_int >= MIN_YEAR * 10000 + 101) & (as_int <= MAX_YEAR * 10000 + 1231)
    text = pd.Series(np.where(yyyymm | yyyymmdd, as_int, 0).astype(str), dtype=object)
    t_year, t_month, t_ok = _periods_from_text(text)
    use_text = (yyyymm | yyyymmdd) & ~ok
    year = np.where(use_text, t_year, year)
    month = np.where(use_text, t_month, month)
    return year, month, ok | (use_text & t_ok)


def _parse_period_uniques(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    n = len(cells)
    kinds = _kinds(cells).to_numpy()
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    ok = np.zeros(n, dtype=bool)
    blank = kinds == "blank"

    is_str = kinds == "str"
    if is_str.any():
        text = _clean_text(cells[is_str]).str.lower().str.replace(" +", " ", regex=True)
        blank[is_str] = (text == "").to_numpy(dtype=bool)
        year[is_str], month[is_str], ok[is_str] = _periods_from_text(text)

    is_num = kinds == "num"
    if is_num.any():
        numbers = pd.to_numeric(cells[is_num], errors="coerce").to_numpy(dtype="float64")
        blank[is_num] = np.isnan(numbers)
        year[is_num], month[is_num], ok[is_num] = _periods_from_numbers(numbers)

    is_date = kinds == "date"
    if is_date.any():
        # Loops over distinct dates only (a column holds a few dozen).
        stamps = [pd.Timestamp(value) for value in cells[is_date]]
        year[is_date] = [stamp.year for stamp in stamps]
        month[is_date] = [stamp.month for stamp in stamps]
        ok[is_date] = (year[is_date] >= MIN_YEAR) & (year[is_date] <= MAX_YEAR)

    labels = np.full(n, pd.NA, dtype=object)
    if ok.any():
        labels[ok] = _month_labels(year[ok], month[ok])
    return pd.Series(labels, dtype=object), ~ok & ~blank


def parse_periods(values: pd.Series) -> Parsed:
    """Parse the month each row is for into "YYYY-MM".

    Accepts ``2026-01``, ``2026-1``, ``2026/01``, ``202601`` (YYYYMM; also YYYYMMDD),
    ``01/2026``, ``1/2026``, ``01.2026``, full dates with or without time
    (``2026-01-15``, ``2026-01-15T00:00:00``), and day-first dates ``15.01.2026``,
    ``15/01/2026``, ``15-01-26`` — day first because our users are European, so the
    US ``01/15/2026`` is rejected and ``03/04/2026`` is April. Month names in English,
    German (incl. Austrian ``Jänner``), Dutch and French, full or abbreviated, with an
    optional dot, before or after a 4- or 2-digit year (``Jan 2026``, ``März 2026``,
    ``mrt 2026``, ``jan-26`` = January 2026 as Excel's ``mmm-yy`` shows it, ``2026 Jan``,
    ``15. Januar 2026``). Native dates/datetimes/Timestamps and Excel serial day numbers
    20000..80000 (native or text) are read too; native whole numbers may also be
    YYYYMM or YYYYMMDD. Years must lie in 1900..2199; two-digit years mean 20yy.

    Rejects a month name without a year, quarters (``Q1 2026``), impossible months and days
    (``2026-13``, ``31.02.2026``) and booleans.

    Args:
        values: Cells of one column.

    Returns:
        Object values "YYYY-MM", ``pd.NA`` where blank or invalid.
    """
    out, invalid = _by_unique(_as_object(values), _parse_period_uniques)
    return Parsed(values=out, invalid=invalid, reason=_(PERIOD_REASON))


# --------------------------------------------------------------------------------------
# Yes / no
# --------------------------------------------------------------------------------------

YES_NO_WORDS: Final[dict[str, str]] = {
    # English, German, Dutch, French; "x" is a ticked box; WAHR/FALSCH and WAAR/ONWAAR are
    # how German and Dutch Excel write booleans into CSV.
    **dict.fromkeys(["yes", "y", "true", "1", "1.0", "x", "ja", "j", "wahr", "waar", "oui", "si", "✓", "✔"], "yes"),
    **dict.fromkeys(["no", "n", "false", "0", "0.0", "nein", "nee", "falsch", "onwaar", "non"], "no"),
}


def _parse_yes_no_uniques(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    n = len(cells)
    kinds = _kinds(cells).to_numpy()
    answer = pd.Series(pd.NA, index=range(n), dtype=object)
    blank = kinds == "blank"

    is_str = kinds == "str"
    if is_str.any():
        text = _clean_text(cells[is_str]).str.casefold()
        blank[is_str] = (text == "").to_numpy(dtype=bool)
        answer[is_str] = text.map(YES_NO_WORDS).to_numpy(dtype=object)

    is_bool = kinds == "bool"
    if is_bool.any():
        answer[is_bool] = np.where(cells[is_bool].astype(bool).to_numpy(), "yes", "no")

    is_num = kinds == "num"
    if is_num.any():
        numbers = pd.to_numeric(cells[is_num], errors="coerce").to_numpy(dtype="float64")
        blank[is_num] = np.isnan(numbers)
        answer[is_num] = pd.Series(numbers).map({1.0: "yes", 0.0: "no"}).to_numpy(dtype=object)

    answer = answer.where(answer.notna(), pd.NA)
    return answer, (answer.isna().to_numpy(dtype=bool) & ~blank)


def parse_yes_no(values: pd.Series) -> Parsed:
    """Parse a yes/no answer such as ``coach_willing``.

    Accepts (any case) yes/no, y/n, true/false, 1/0, ja/nein, j, nee, wahr/falsch,
    waar/onwaar, oui/non, ``x`` or a tick for yes, native booleans and the numbers 1/0.

    Args:
        values: Cells of one column.

    Returns:
        Object values "yes" / "no", ``pd.NA`` where blank (not asked yet) or invalid.
    """
    out, invalid = _by_unique(_as_object(values), _parse_yes_no_uniques)
    return Parsed(values=out, invalid=invalid, reason=_(YES_NO_REASON))


# --------------------------------------------------------------------------------------
# Dates (days, for CRM records: a deal's close date, a call's date)
# --------------------------------------------------------------------------------------

DATE_REASON: Final = N_("not a date (expected e.g. 2026-03-14, 14.03.2026, 14 Mar 2026)")

# Named groups: a, b (the two numbers before a year, order unknown), y, m, mon, d, serial.
_NUMERIC_DATE: Final = rf"^(?P<a>[0-9]{{1,2}})(?P<sep>[-/.])(?P<b>[0-9]{{1,2}})[-/.](?P<y>{_YEAR}){_TIME}$"
_DATE_PATTERNS: Final = (
    rf"^(?P<y>[0-9]{{4}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}}){_TIME}$",  # 2026-03-14 10:23
    r"^(?P<y>(?:19|20|21)[0-9]{2})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$",  # 20260314
    rf"^(?P<d>[0-9]{{1,2}})\.?[ -]*(?P<mon>{_WORD})\.?[ ,-]*(?P<y>{_YEAR}){_TIME}$",  # 14. März 2026
    rf"^(?P<mon>{_WORD})\.? (?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,? (?P<y>[0-9]{{4}}){_TIME}$",  # March 14, 2026
    r"^(?P<serial>[0-9]{5}(?:[.,][0-9]+)?)$",  # Excel serial day number as text
)


def _date_texts(values: pd.Series) -> pd.Series:
    """The distinct non-blank text cells of a column, cleaned and lower-cased."""
    cells = _as_object(values)
    strings = pd.Series(cells[(_kinds(cells) == "str").to_numpy()].unique(), dtype=object)
    text = _clean_text(strings.astype("str")).str.lower().str.replace(" +", " ", regex=True)
    return text[text != ""].reset_index(drop=True)


_TIME_OF_DAY = (
    r"^\s*([^\s]+)[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[aApP]\.?[mM]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?\s*$"
)


def drop_time_of_day(values: pd.Series) -> pd.Series:
    """The cells with a trailing time of day taken off (``19/08/2026 10:09`` -> ``19/08/2026``).

    :func:`parse_dates` drops the time anyway; taking it off first leaves one distinct cell per day
    instead of one per timestamp, so a calls export with 300,000 timestamps parses a few hundred days.
    Cells that are not a date followed by a time are left as they are.
    """
    if values.dtype != object:
        return values
    every = _only_text(values) and not values.hasnans  # a CSV's cells: one C-level scan, no isinstance per cell
    is_text = (
        np.ones(len(values), dtype=bool)
        if every
        else np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    )
    if not is_text.any():
        return values
    import pyarrow as pa
    import pyarrow.compute as pc

    # RE2 over the whole column, not a Python loop; in and out of Arrow by arrays, not by lists (#17)
    text = pa.array(values.to_numpy(dtype=object)[is_text], type=pa.string())
    stripped = pc.replace_substring_regex(text, pattern=_TIME_OF_DAY, replacement=r"\1")
    if every:
        return pd.Series(stripped.to_numpy(zero_copy_only=False), index=values.index, dtype=object, name=values.name)
    out = values.copy()
    out[is_text] = stripped.to_numpy(zero_copy_only=False)
    return out


_DAY_SPACE_TIME: Final = r"^[^\s]+ " + _TIME_OF_DAY.partition("[ T]")[2]
"""A day, one space, a time of day (``19/08/2026 10:09``): :data:`_TIME_OF_DAY` leaves the text before the space.

Without a group to capture, RE2 answers by its fast automaton; only the other cells need the capturing pattern.
"""


def day_codes(values: pd.Series, arrow: pa.Array | None = None) -> tuple[np.ndarray, pd.Series]:
    """Each row's code among the column's distinct days, and those days: the cells with the time of day dropped
    (:func:`drop_time_of_day`) in the order they first appear, code -1 for a blank cell (None, NaN).

    A calls export has 300,000 distinct timestamps and a few hundred days (#17): a column of text cells is read
    by Arrow in one pass, never as one Python string per timestamp. ``arrow``: the same cells as Arrow text,
    when the reader kept them (:meth:`~core.ingest.reader.RawTable.arrow_text`).
    """
    if arrow is not None:
        import pyarrow as pa

        return _text_day_codes(arrow.dictionary_decode() if isinstance(arrow, pa.DictionaryArray) else arrow)
    if values.dtype == object and _only_text(values) and not values.hasnans:
        import pyarrow as pa

        return _text_day_codes(pa.array(values.to_numpy(dtype=object), type=pa.string()))
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    dropped = drop_time_of_day(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    inner, days = pd.factorize(dropped.to_numpy(dtype=object), use_na_sentinel=True)
    return np.append(inner, [-1])[codes], pd.Series(np.asarray(days, dtype=object), dtype=object)


def _text_day_codes(text: pa.Array) -> tuple[np.ndarray, pd.Series]:
    """:func:`day_codes` for a column of text cells only, as Arrow text."""
    import pyarrow.compute as pc

    plain = pc.match_substring_regex(text, pattern=_DAY_SPACE_TIME)
    day = pc.list_element(pc.split_pattern(text, pattern=" ", max_splits=1), 0)  # the text before the first space
    other = pc.invert(plain)
    if pc.any(other).as_py():
        kept = pc.replace_substring_regex(text.filter(other), pattern=_TIME_OF_DAY, replacement=r"\1")
        day = pc.replace_with_mask(day, other, kept)
    encoded = pc.dictionary_encode(day)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    days = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    return codes, pd.Series(days, dtype=object)


def date_order(values: pd.Series) -> str | None:
    """Decide from a column's values whether ``03/04/2026`` means 3 April or 4 March.

    A first number above 12 (``13/08/2026``) shows day first, a second one above 12 (``8/13/2026``)
    month first; dates with dots (``01.02.2026``) are day first, as nobody writes month first with dots.
    When cells contradict each other the majority wins and :func:`parse_dates` marks the others invalid.

    Args:
        values: Cells of one date column.

    Returns:
        ``"day first"`` or ``"month first"``; ``"either"`` when no cell depends on the order (ISO dates,
        month names, Excel serials, native dates, blanks); ``None`` when cells depend on it and none
        decides — a question for the user, never answered by a guess.
    """
    parts = _date_texts(values).str.extract(_NUMERIC_DATE)
    parts = parts[parts["a"].notna()]
    if parts.empty:
        return "either"
    first = pd.to_numeric(parts["a"]).to_numpy()
    second = pd.to_numeric(parts["b"]).to_numpy()
    dotted = (parts["sep"] == ".").to_numpy(dtype=bool)
    day_first = int(((first > 12) & (second <= 12)).sum() + (dotted & (first <= 12) & (second <= 12)).sum())
    month_first = int(((second > 12) & (first <= 12) & ~dotted).sum())
    if day_first == month_first == 0:
        return None
    return "day first" if day_first >= month_first else "month first"


def _parse_date_texts(text: pd.Series, day_first: bool) -> np.ndarray:
    """datetime64[ns] for cleaned lower-cased strings; NaT where a string is not a valid date."""
    n = len(text)
    year, month, day, serial = (np.full(n, np.nan) for _ in range(4))
    matched = np.zeros(n, dtype=bool)
    numeric = text.str.extract(_NUMERIC_DATE)
    hit = numeric["a"].notna().to_numpy(dtype=bool)
    if hit.any():
        a, b = (pd.to_numeric(numeric[k], errors="coerce").to_numpy(dtype="float64") for k in ("a", "b"))
        day[hit], month[hit] = (a[hit], b[hit]) if day_first else (b[hit], a[hit])
        year[hit] = pd.to_numeric(numeric["y"], errors="coerce").to_numpy(dtype="float64")[hit]
        matched |= hit
    for pattern in _DATE_PATTERNS:
        parts = text.str.extract(pattern)
        hit = parts.notna().any(axis=1).to_numpy(dtype=bool) & ~matched
        if not hit.any():
            continue
        matched |= hit
        if "serial" in parts:
            serial[hit] = pd.to_numeric(parts["serial"].str.replace(",", "."), errors="coerce").to_numpy()[hit]
            continue
        year[hit] = _group_numbers(parts, "y")[hit]
        day[hit] = _group_numbers(parts, "d")[hit]
        month[hit] = (
            _group_numbers(parts, "mon", names=MONTH_NAMES) if "mon" in parts else _group_numbers(parts, "m")
        )[hit]
    year = np.where(year < 100, year + 2000, year)
    ok = matched & np.isfinite(year) & np.isfinite(month) & np.isfinite(day)
    parts = pd.DataFrame({"year": year, "month": month, "day": day})[ok]
    stamps = np.full(n, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    stamps[ok] = pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnan(serial), stamps, _serial_dates(serial))


def _serial_dates(serial: np.ndarray) -> np.ndarray:
    """datetime64[ns] days for Excel serial numbers; NaT outside the plausible range."""
    ok = np.isfinite(serial) & (serial >= EXCEL_SERIAL_MIN) & (serial <= EXCEL_SERIAL_MAX)
    days = pd.to_datetime(
        np.where(ok, np.floor(np.nan_to_num(serial)), EXCEL_SERIAL_MIN), unit="D", origin=EXCEL_ORIGIN
    )
    return np.where(ok, days.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))


def _parse_date_uniques(cells: pd.Series, day_first: bool) -> tuple[pd.Series, np.ndarray]:
    n = len(cells)
    kinds = _kinds(cells).to_numpy()
    out = np.full(n, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    blank = kinds == "blank"
    is_str = kinds == "str"
    if is_str.any():
        text = _clean_text(cells[is_str].astype("str")).str.lower().str.replace(" +", " ", regex=True)
        blank[is_str] = (text == "").to_numpy(dtype=bool)
        out[is_str] = _parse_date_texts(text.reset_index(drop=True), day_first)
    is_num = kinds == "num"
    if is_num.any():
        numbers = pd.to_numeric(cells[is_num], errors="coerce").to_numpy(dtype="float64")
        blank[is_num] = np.isnan(numbers)
        out[is_num] = _serial_dates(numbers)
    is_date = kinds == "date"
    if is_date.any():
        stamps = pd.to_datetime(
            pd.Series(list(cells[is_date]), dtype=object), errors="coerce", utc=False, format="mixed"
        )
        out[is_date] = stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]") if stamps.dt.tz else stamps
    years = pd.DatetimeIndex(out).year.to_numpy()
    bad_year = ~np.isnat(out) & ((years < MIN_YEAR) | (years > MAX_YEAR))
    out[bad_year] = np.datetime64("NaT", "ns")
    values = pd.Series(pd.DatetimeIndex(out).normalize(), dtype=object)
    return values.where(~np.isnat(out), pd.NaT), np.isnat(out) & ~blank


def parse_dates(values: pd.Series, *, day_first: bool) -> Parsed:
    """Parse the day each record happened on (a deal's close date, a call's date).

    Accepts ISO dates with or without a time (``2026-03-14``, ``2026-03-14 10:23``, ``…T10:23:00Z``),
    ``YYYYMMDD``, numeric dates in the column's order (``14.03.2026``, ``3/14/2026``, two-digit years
    meaning 20yy), day and month name in English, German, Dutch or French (``14 Mar 2026``,
    ``14. März 2026``, ``March 14, 2026``), Excel serial day numbers (native or text, with a time
    fraction) and native dates. The time of day is dropped.

    Args:
        values: Cells of one column.
        day_first: How to read ``03/04/2026``: True for 3 April (see :func:`date_order`).

    Returns:
        ``pd.Timestamp`` days (object Series), ``NaT`` where blank or invalid.
    """
    out, invalid = _by_unique(_as_object(values), lambda cells: _parse_date_uniques(cells, day_first))
    return Parsed(values=out.where(out.notna(), pd.NaT), invalid=invalid, reason=_(DATE_REASON))


# --------------------------------------------------------------------------------------
# Languages (the language of a person's own plan)
# --------------------------------------------------------------------------------------

LANGUAGE_REASON: Final = N_("not a language Coachwise writes plans in: use de, nl or en (Deutsch, Nederlands, English)")
_LANGUAGE_NAMES: Final = {
    "en": ("en", "eng", "english", "englisch", "engels", "anglais", "inglés", "ingles"),
    "de": ("de", "deu", "ger", "german", "deutsch", "duits", "allemand", "alemán", "aleman"),
    "nl": ("nl", "nld", "dut", "dutch", "nederlands", "niederländisch", "niederlaendisch", "holländisch",
           "néerlandais", "neerlandais", "vlaams", "flemish", "flämisch"),
}  # fmt: skip
_LANGUAGE_LOOKUP: Final = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}


def language_code(value: object) -> str | None:
    """The plan language a cell names, case-insensitively: ``"Deutsch"``, ``"DE"``, ``"de-AT"`` → ``"de"``.

    Returns:
        ``"en"``, ``"de"`` or ``"nl"``; None when the cell names none of them (blank cells included).
    """
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else str(value)
    text = text.strip().lower()
    if not text:
        return None
    return _LANGUAGE_LOOKUP.get(text) or _LANGUAGE_LOOKUP.get(text.replace("_", "-").split("-", 1)[0].strip())


def _parse_language_uniques(uniques: pd.Series) -> tuple[pd.Series, np.ndarray]:
    codes = [language_code(v) for v in uniques]
    blank = np.array([not str(v).strip() for v in uniques], dtype=bool)
    values = pd.Series([c if c is not None else pd.NA for c in codes], dtype=object)
    invalid = np.array([c is None for c in codes], dtype=bool) & ~blank
    return values, invalid


def parse_languages(values: pd.Series) -> Parsed:
    """Parse the ``language`` column (the language of each person's plan).

    Accepts, in any case, the codes en / de / nl, locale tags (``de-CH``, ``nl_BE``) and the languages'
    names in English, German, Dutch and French (English, Deutsch, Nederlands, Dutch, Niederländisch, ...).

    Args:
        values: Cells of one column.

    Returns:
        Object values ``"en"`` / ``"de"`` / ``"nl"``, ``pd.NA`` where blank (the exporter's language) or invalid.
    """
    out, invalid = _by_unique(_as_object(values), _parse_language_uniques)
    return Parsed(values=out, invalid=invalid, reason=_(LANGUAGE_REASON))
