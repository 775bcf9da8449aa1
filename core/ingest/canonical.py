"""The fast path for a clean file in Coachwise's own layout (#17): Arrow reads it, the rules are checked, done.

Most big files are the monthly table as Coachwise's template or ``derive`` writes it: UTF-8, commas, the
canonical headers, plain numbers, ``YYYY-MM`` months, nothing to repair. The general path
(:func:`core.ingest.importer.prepare`) turns every cell into a Python string, parses every column with
the rules for messy spreadsheets and validates the result — seconds on half a million rows.

:func:`prepare_canonical` reads such a file with Arrow and keeps the cells in Arrow; text columns are
parsed once per distinct value by the same functions the general path uses (a month column has 24 of
them), number columns are checked to be plain digits and converted by Arrow in one pass, and the
validation rules run on whole arrays. It returns the same :class:`~core.ingest.importer.Prepared` the
general path would, or ``None`` the moment anything is not plain: a header that is not canonical, a
mapping or answer given, a BOM-less non-UTF-8 byte, a blank line, a quoted line break, a cell with
surrounding space or a control character, a number with a sign, grouping or decimal comma, a value the
rules refuse or warn about, a repeated month, a person with two names or roles. Then the general path
runs and writes its report — so every rule and every sentence stays in one place, and a test runs both
paths on the same hostile and messy files and compares everything they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from core.ingest import ahead
from core.ingest.ahead import SNIFF_BYTES, canonical_headers, without_bom
from core.ingest.mapping import SKIP_ROLE, normalise_roles
from core.ingest.reader import (
    MAX_CELLS,
    RawTable,
    _is_totals_label,
    _sniff,
    count_lines,
    last_line_quotes_even,
)
from core.ingest.validation import (
    MONEY_ABOVE_ZERO,
    MONEY_AT_LEAST_ZERO,
    PAIRS,
    REPORT_COLUMNS,
    REQUIRED_FOR_ROLE,
    TEXT_LIMITS,
)
from core.ingest.values import (
    detect_decimal,
    parse_languages,
    parse_numbers,
    parse_periods,
    parse_yes_no,
    strip_control_characters,
)
from core.ingest.wording import unmapped_note
from core.months import by_person_then_month
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, METRIC_COLUMNS, REQUIRED_COLUMNS, ROLE_FIELDS, ROLES

if TYPE_CHECKING:
    import pyarrow as pa

    from core.ingest.importer import Prepared

ENABLED = True
"""False sends every file down the general path (the tests compare both on the same files)."""

_TEXT_FIELDS: Final = ("rep_id", "name", "team", "region", "manager")
_DIGITS: Final = np.zeros(256, dtype=bool)
_DIGITS[np.frombuffer(b"0123456789.", dtype=np.uint8)] = True
_DOT: Final = ord(".")


class _NotPlain(Exception):
    """Something in the file needs the general path (its rules, repairs or report)."""


def prepare_canonical(
    data: bytes,
    name: str,
    *,
    max_bytes: int,
    mapping: Mapping[str, str | None] | None,
    remembered: Mapping[str, str | None] | None,
    role_answers: Mapping[str, str] | None,
    note_unmapped: bool = True,
) -> Prepared | None:
    """The prepared import of a clean canonical CSV file, exactly as the general path gives it; else None.

    Args:
        data: The file's bytes.
        name: Its name, already made safe to show.
        max_bytes: The size limit (a bigger file goes to the general path, which refuses it).
        mapping: Field -> header choices; any non-identity choice sends the file to the general path.
        remembered: A remembered mapping; the same.
        role_answers: Answers about role texts the app did not know (SDR, AE, AM or "skip"); a text answered
            "skip" in the file sends it to the general path (its rows are left out, with a report line).
        note_unmapped: Whether a warning names the fields the file has no column for (as ``prepare``).

    Returns:
        The prepared import, or None when the general path must decide.
    """
    if not ENABLED or PurePath(name).suffix.lower() != ".csv" or not 0 < len(data) <= max_bytes:
        return None
    try:
        return _prepare(data, name, mapping, remembered, dict(role_answers or {}), note_unmapped)
    except _NotPlain:
        return None


def _prepare(
    data: bytes,
    name: str,
    mapping: Mapping[str, str | None] | None,
    remembered: Mapping[str, str | None] | None,
    answers: dict[str, str],
    note_unmapped: bool,
) -> Prepared:
    import pyarrow.compute as pc

    from core.ingest.importer import MappingProblem, Prepared, resolve_mapping

    payload = without_bom(data)
    encoding = "utf-8" if payload is data else "utf-8-sig"
    headers = canonical_headers(data)
    if headers is None or b"\x00" in payload:
        raise _NotPlain
    # Arrow checks that every cell is UTF-8 (else the general path decodes the file its way); the separator is
    # sniffed from the same first characters the general reader looks at.
    text = payload[: 4 * SNIFF_BYTES].decode("utf-8", errors="ignore")[:SNIFF_BYTES]
    try:
        resolved = resolve_mapping(headers, overrides=mapping, remembered=remembered)
    except MappingProblem as exc:
        raise _NotPlain from exc
    if any(h is not None and h != f for f, h in resolved.items()):
        raise _NotPlain
    separator, width = _sniff(text, name)
    lines = count_lines(payload)
    if separator != "," or width != len(headers) or lines * width > MAX_CELLS:
        raise _NotPlain

    table = _read(data, payload, headers)
    if table.num_rows != lines - 1 or table.num_rows == 0:
        raise _NotPlain  # blank lines, records over several lines, or a header only: the general path
    raw_frame = pd.DataFrame({h: _text_array(table.column(h)) for h in headers}, copy=False)
    columns = {h: table.column(h) for h in headers}  # Arrow's chunks as read: no copy of the file's text
    encoded = ahead.dictionaries(table)  # the text columns encoded while pandas loaded, when read ahead
    rows = table.num_rows
    del table

    parsed: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}
    numbers: dict[str, np.ndarray] = {}
    ambiguous = False
    present = [field for field in CANONICAL_COLUMNS if resolved[field] is not None]  # the others stay blank
    # Each column is read on its own: two threads share them (Arrow and numpy let go of the interpreter, #17).
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [
            pool.submit(copy_context().run, _column, field, columns[field], answers, encoded.get(field))
            for field in present
        ]
        try:
            for field, result in zip(present, results, strict=True):
                done = result.result()
                if field in METRIC_COLUMNS:
                    numbers[field], unsure = done
                    ambiguous |= unsure
                else:
                    codes[field], parsed[field] = done
        except BaseException:  # not plain (or stopped): the columns not started yet are not read
            for result in results:
                result.cancel()
            raise

    # Plain numbers vote for a decimal point unless one reads like a thousands dot ("1.234"): only then is
    # the general path's vote needed.
    if ambiguous and detect_decimal([raw_frame[f] for f in METRIC_COLUMNS if f in numbers]) != ".":
        raise _NotPlain
    _check_rules(numbers, parsed["role"], codes["role"], rows)
    order = _order(parsed, codes)
    _check_people(order, codes)
    frame = _frame(order, parsed, codes, numbers)

    raw = RawTable(
        frame=raw_frame,
        row_numbers=list(range(2, rows + 2)),
        filename=name,
        kind="csv",
        encoding=encoding,
        separator=",",
    )
    return Prepared(
        filename=name,
        sha256=ahead.sha256(data),
        raw=raw,
        mapping=resolved,
        role_answers=answers,
        unknown_roles=[],
        role_questions=normalise_roles(pd.Series(pc.unique(columns["role"]).to_pylist(), dtype=object))[1],
        frame=frame[list(CANONICAL_COLUMNS)],
        report=pd.DataFrame({c: pd.Series(dtype="object") for c in REPORT_COLUMNS}),
        rows_total=rows,
        warnings=unmapped_note(f for f in REQUIRED_COLUMNS if resolved[f] is None) if note_unmapped else [],
    )


def _read(data: bytes, payload: bytes, headers: list[str]) -> pa.Table:
    """Every cell as Arrow text, blank as ``""`` (:func:`core.ingest.ahead.arrow_cells`: read ahead when it could
    be), as the general reader's grid holds them."""
    table = ahead.cells(data, headers)
    if table is None or table.column_names != headers:
        raise _NotPlain
    # Arrow reads an unclosed quotation mark to the end of the file: the cell then holds a line break, which
    # the checks below refuse, unless the quote opened on the last line of a file without a final one.
    if not last_line_quotes_even(payload):
        raise _NotPlain
    return table


def _column(
    field: str, cells: pa.ChunkedArray, answers: Mapping[str, str], encoded: pa.DictionaryArray | None = None
) -> tuple[np.ndarray, Any]:
    """A metric's plain numbers and whether one reads like a thousands dot (:func:`_plain_numbers`); any other
    field's code per row into its parsed values (:func:`_by_distinct`; ``encoded``: the cells already
    dictionary-encoded). Not plain: raises ``_NotPlain``."""
    if field in METRIC_COLUMNS:
        return _plain_numbers(cells)
    inner, distinct = _by_distinct(field, cells, answers, encoded)
    # Two texts may read as one value ("2026-1", "2026-01"): codes into the parsed values, not the texts.
    outer, values = pd.factorize(distinct, use_na_sentinel=False)
    values = np.asarray(values, dtype=distinct.dtype)
    if values.dtype == object:
        values[pd.isna(values)] = pd.NA  # factorize gives a blank back as NaN
    return outer[inner], values


def _text_array(cells: pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """Arrow text as pandas' text dtype without copying (the general reader's grid has the same dtype)."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.arrays.ArrowStringArray(cells, dtype=text)  # type: ignore[call-arg]  # pandas 3's; not in the stubs


def _plain_numbers(cells: pa.ChunkedArray) -> tuple[np.ndarray, bool]:
    """Plain numbers (digits with at most one inner decimal point) as floats, NaN for blank, and whether one
    could be read with a thousands dot (``1.234``); anything else is not plain."""
    parts = [_plain_chunk(chunk) for chunk in cells.chunks]
    if not parts:
        return np.empty(0), False
    return np.concatenate([values for values, _unsure in parts]), any(unsure for _values, unsure in parts)


def _plain_chunk(cells: pa.LargeStringArray) -> tuple[np.ndarray, bool]:
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = np.frombuffer(cells.buffers()[1], dtype=np.int64, count=len(cells) + 1, offset=cells.offset * 8)
    view = np.frombuffer(cells.buffers()[2], dtype=np.uint8) if offsets[-1] > offsets[0] else np.empty(0, np.uint8)
    if not _DIGITS[view[offsets[0] : offsets[-1]]].all():
        raise _NotPlain
    lengths = np.diff(offsets)
    blank = lengths == 0
    starts, ends = offsets[:-1][~blank], offsets[1:][~blank]
    if len(view) and ((view[starts] == _DOT).any() or (view[ends - 1] == _DOT).any()):
        raise _NotPlain
    # The same cells with the blank ones missing: a validity bitmap over the chunk's own buffers, no copy (its
    # bits count from the buffers' start, as the offsets do).
    bits = np.concatenate([np.zeros(cells.offset, dtype=bool), ~blank])
    valid = pa.py_buffer(np.packbits(bits, bitorder="little"))
    buffers = cells.buffers()
    present = pa.LargeStringArray.from_buffers(len(cells), buffers[1], buffers[2], valid, offset=cells.offset)
    try:
        values = pc.cast(present, pa.float64())  # "1.2.3" is refused here
    except pa.ArrowInvalid as exc:
        raise _NotPlain from exc
    # detect_decimal's "ambiguous" cell: 1 to 3 digits, the first not 0, a dot, three digits.
    size = ends - starts
    unsure = (size >= 5) & (size <= 7)
    unsure &= view[np.where(unsure, ends - 4, 0)] == _DOT if len(view) else unsure
    unsure &= view[np.where(unsure, starts, 0)] != ord("0") if len(view) else unsure
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype="float64"), bool(unsure.any())


def _by_distinct(
    field: str, cells: pa.ChunkedArray, answers: Mapping[str, str], encoded: pa.DictionaryArray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code into the column's distinct values, and those values parsed as the general path parses
    them (object array); not plain when a value needs repairing or is refused. ``encoded``: ``cells``
    dictionary-encoded already (by the read-ahead)."""
    import pyarrow.compute as pc

    if encoded is None:
        # One array, one dictionary: unifying 46 chunks' dictionaries of 20,000 rep_ids took three times as long.
        encoded = pc.dictionary_encode(cells.combine_chunks())
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    texts = encoded.dictionary.to_pylist()
    distinct = pd.Series(texts, dtype=object)
    if any(t != t.strip() or _is_totals_label(t) for t in texts):
        raise _NotPlain  # the reader strips cells and drops totals rows, with a warning
    if not strip_control_characters(distinct)[1].empty:
        raise _NotPlain
    if field in _TEXT_FIELDS:
        values = distinct.where(distinct != "", pd.NA)
        if (field in ("rep_id", "name") and values.isna().any()) or any(len(t) > TEXT_LIMITS[field] for t in texts):
            raise _NotPlain
        return codes, values.to_numpy(dtype=object)
    if field == "role":
        roles, unknown = normalise_roles(distinct, extra={k: v for k, v in answers.items() if v in ROLES})
        if unknown or roles.isna().any() or any(answers.get(t) == SKIP_ROLE for t in texts):
            raise _NotPlain  # a role text unanswered or skipped: its rows are reported
        return codes, roles.to_numpy(dtype=object)
    if field == "coach_aptitude":
        parsed = parse_numbers(distinct)
        aptitude = parsed.values
        bad = parsed.invalid | (aptitude.notna() & ((aptitude % 1 != 0) | (aptitude < 1) | (aptitude > 5)))
        if bad.any():
            raise _NotPlain
        return codes, aptitude.to_numpy(dtype="float64")
    parse = {"period": parse_periods, "coach_willing": parse_yes_no, "coach_trained": parse_yes_no}.get(
        field, parse_languages
    )
    result = parse(distinct)
    if result.invalid.any() or (field == "period" and result.values.isna().any()):
        raise _NotPlain
    return codes, result.values.to_numpy(dtype=object)


def _frame(
    order: np.ndarray | None,
    parsed: Mapping[str, np.ndarray],
    codes: Mapping[str, np.ndarray],
    numbers: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """The valid rows in ``order`` (None: as they are), typed as the general path stores them."""
    rows = len(codes["rep_id"])
    out: dict[str, pd.Series] = {}
    for field in CANONICAL_COLUMNS:
        if field in numbers:
            values = numbers[field] if order is None else numbers[field][order]
        elif field in codes:
            values = parsed[field][codes[field] if order is None else codes[field][order]]
        elif field in METRIC_COLUMNS or field == "coach_aptitude":
            values = np.full(rows, np.nan)
        else:
            values = np.full(rows, pd.NA, dtype=object)
        if field in COUNT_COLUMNS or field == "coach_aptitude":  # whole numbers (checked): Int64, NA for blank
            blank = np.isnan(values)
            with np.errstate(invalid="ignore"):  # NaN has no integer: those cells are blank, set to 0 below
                whole = values.astype(np.int64)
            whole[blank] = 0
            out[field] = pd.Series(pd.arrays.IntegerArray(whole, blank))
        else:  # text stays object with NA for blank (pandas would infer its own text dtype)
            # The arrays are this table's own: pandas 3 would copy each (#17).
            out[field] = pd.Series(values, dtype=values.dtype, copy=False)
    # Side by side, not one DataFrame from a dict: that copies the ten text columns into one block (0.2 s on
    # 458,000 rows) for nothing the jobs after need.
    return pd.concat([column.rename(field) for field, column in out.items()], axis=1)


def _check_rules(numbers: Mapping[str, np.ndarray], roles: np.ndarray, role: np.ndarray, rows: int) -> None:
    """The validation rules on whole columns (``role``: each row's position in ``roles``, the parsed role
    values); not plain when any row breaks one or earns a warning."""
    blank = np.full(rows, np.nan)
    number = {f: numbers.get(f, blank) for f in METRIC_COLUMNS}
    for field in COUNT_COLUMNS:
        values = number[field]
        if (values < 0).any() or (np.floor(values) < values).any():  # NaN is neither
            raise _NotPlain
    if any((number[f] < 0).any() for f in MONEY_AT_LEAST_ZERO) or any((number[f] <= 0).any() for f in MONEY_ABOVE_ZERO):
        raise _NotPlain
    if any((number[small] > number[large]).any() for small, large in PAIRS):
        raise _NotPlain
    # How many rows of each role value hold a number in each field: counted on codes, one pass a field (#17).
    size = len(roles)
    filled = {f: np.bincount(role[~np.isnan(numbers[f])], minlength=size) for f in METRIC_COLUMNS if f in numbers}
    none = np.zeros(size, dtype=np.int64)
    total = np.bincount(role, minlength=size)
    for each, fields in ROLE_FIELDS.items():
        mine = roles == each
        if any(filled.get(f, none)[mine].sum() < total[mine].sum() for f in REQUIRED_FOR_ROLE[each]):
            raise _NotPlain
        others = [f for r, owned in ROLE_FIELDS.items() if r != each for f in owned if f not in fields]
        if any(filled.get(f, none)[mine].sum() > 0 for f in others):
            raise _NotPlain  # a value in another role's field is blanked with a warning


def _check_people(order: np.ndarray | None, codes: Mapping[str, np.ndarray]) -> None:
    """Rows in ``order`` (by person, then month; None: as they are): not plain when a person has one month
    twice, or two names or roles."""

    def ordered(field: str) -> np.ndarray:
        return codes[field] if order is None else codes[field][order]

    people = ordered("rep_id")
    same = people[1:] == people[:-1]
    periods = ordered("period")
    if (same & (periods[1:] == periods[:-1])).any():
        raise _NotPlain  # the same person twice in one month: both rows are rejected
    for field in ("name", "role"):
        values = ordered(field)
        if (same & (values[1:] != values[:-1])).any():
            raise _NotPlain  # a person with two names or roles is flagged


def _order(parsed: Mapping[str, object], codes: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """Rows sorted by rep_id, then period (text order), stable — as the general path sorts them; None when
    they already are (what exports usually are: no sort, no reordering of every column, #17)."""
    keys = []
    for field in ("period", "rep_id"):  # lexsort: the last key is the primary one
        distinct = parsed[field]
        assert isinstance(distinct, np.ndarray)
        rank = np.empty(len(distinct), dtype=np.int64)
        rank[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
        keys.append(rank[codes[field]])
    period, person = keys
    return None if by_person_then_month(person, period) else np.lexsort(keys)
