"""Spreadsheet exports: formula-like text neutralised in CSV, stored as text in XLSX, JSON plain."""

from __future__ import annotations

import json
import re
from io import BytesIO

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.export import csv_text, export_bytes, neutralise, to_csv_bytes, to_json_text, to_xlsx_bytes

RISKY = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "\nx"]


@pytest.mark.parametrize("value", RISKY)
def test_csv_prefixes_formula_like_text(value: str) -> None:
    """Every OWASP trigger character at the start of a text cell gets a leading apostrophe in CSV."""
    frame = pd.DataFrame({"name": [value], "n": [1]})
    assert neutralise(frame).loc[0, "name"] == "'" + value
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert ("'" + value.strip()) in text or "'" + value in text


@pytest.mark.parametrize("value", ["Lea Wolf", "Zoë Brouwer", "a=b", ""])
def test_csv_leaves_ordinary_text(value: str) -> None:
    """Text that does not start with a trigger is written unchanged."""
    frame = pd.DataFrame({"name": [value]})
    assert neutralise(frame).loc[0, "name"] == value


def test_numbers_are_not_touched() -> None:
    """Negative numbers stay numbers; only text is neutralised."""
    frame = pd.DataFrame({"delta": [-5.0, 3.0]})
    assert neutralise(frame)["delta"].tolist() == [-5.0, 3.0]


def test_xlsx_stores_formula_like_text_as_text() -> None:
    """XLSX cells starting with '=' are strings, never formulas; numbers stay numeric."""
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "Łukasz Wróbel"], "score": [12.5, None]})
    sheet = openpyxl.load_workbook(BytesIO(to_xlsx_bytes(frame))).active
    assert sheet is not None
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["A3"].value == "Łukasz Wróbel"
    assert sheet["B2"].value == 12.5 and sheet["B3"].value is None


def test_json_is_a_list_of_objects_with_nulls() -> None:
    """JSON export is a list of objects; NaN becomes null; numpy types become plain numbers."""
    frame = pd.DataFrame({"rep_id": ["E1", "E2"], "score": [55.5, float("nan")], "flag": [True, False]})
    data = json.loads(to_json_text(frame))
    assert data == [{"rep_id": "E1", "score": 55.5, "flag": True}, {"rep_id": "E2", "score": None, "flag": False}]


def test_unknown_format_refused() -> None:
    """Asking for another format is a clear error."""
    with pytest.raises(ValueError, match="csv, json or xlsx"):
        export_bytes(pd.DataFrame({"a": [1]}), "pdf")  # type: ignore[arg-type]


HOSTILE = ["A\x07nna", "\x1b[31mBen\x1b[0m", "Cle\x0bo", "Dora\x9b2J", "=\x07cmd", "\x00Eva"]
CLEANED = ["Anna", "Ben", "Cle o", "Dora", "'=cmd", "Eva"]
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_xlsx_with_control_characters_is_written_without_them() -> None:
    """Names with BEL, ESC colour codes, vertical tab and C1 still give a workbook, with the characters dropped."""
    frame = pd.DataFrame({"name\x1b[1m": HOSTILE, "n": range(len(HOSTILE))})
    sheet = openpyxl.load_workbook(BytesIO(to_xlsx_bytes(frame, sheet="Ti\x07ers"))).active
    assert sheet is not None and sheet.title == "Tiers"
    assert sheet["A1"].value == "name"
    assert [sheet.cell(row=i + 2, column=1).value for i in range(len(HOSTILE))] == [
        "Anna",
        "Ben",
        "Cle o",
        "Dora",
        "=cmd",
        "Eva",
    ]


def test_csv_and_json_drop_control_characters() -> None:
    """CSV and JSON carry no control characters or escape sequences; a formula revealed by cleaning is neutralised."""
    frame = pd.DataFrame({"name": HOSTILE})
    assert neutralise(frame)["name"].tolist() == CLEANED
    csv_text = to_csv_bytes(frame).decode("utf-8-sig")
    assert not UNSAFE.search(csv_text)
    json_text = to_json_text(frame)
    assert not UNSAFE.search(json_text) and "\\u001b" not in json_text and "\\u0007" not in json_text
    assert [row["name"] for row in json.loads(json_text)] == ["Anna", "Ben", "Cle o", "Dora", "=cmd", "Eva"]


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8) | st.sampled_from(
    ["", ",", '"', 'a "b"', "x\ny", "x\rz", " lead ", "1,5"]
)


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "Int64", "boolean", "str", "object"]), max_size=5))
    columns: dict[str, pd.Series] = {}
    cells = {
        "float": st.floats(allow_nan=True, allow_infinity=True),
        "int": st.integers(-(2**62), 2**62),
        "Int64": st.integers(-(2**62), 2**62),
        "bool": st.booleans(),
        "boolean": st.booleans(),
    }
    for i, kind in enumerate(kinds):
        cell = cells.get(kind, _TEXT | st.none() | st.floats(allow_nan=False) | st.integers())
        values: list[object] = draw(st.lists(cell, min_size=rows, max_size=rows))
        if kind in ("Int64", "boolean", "str"):
            values = [None if draw(st.booleans()) and v is not None and i % 2 else v for v in values]
        dtype = {"float": "float64", "int": "int64", "bool": "bool", "Int64": "Int64", "boolean": "boolean"}.get(kind)
        if kind == "str":
            columns[f"c{i}"] = pd.Series([None if v is None else str(v) for v in values], dtype="str")
        else:
            columns[draw(st.sampled_from([f"c{i}", f"col, {i}", f'"{i}"']))] = pd.Series(values, dtype=dtype or object)
    return pd.DataFrame(columns, index=range(rows)) if columns else pd.DataFrame(index=range(rows))


@settings(max_examples=300, deadline=None)
@given(_frames())
def test_csv_text_is_pandas_to_csv(frame: pd.DataFrame) -> None:
    """The CSV writer gives pandas' ``to_csv(index=False)`` character for character, for every kind of column,
    missing values, quotes, commas and line breaks in text, and any float (infinities, tiny and huge)."""
    assert csv_text(frame) == frame.to_csv(index=False)


_RISKY = st.sampled_from(["=1+1", "+49 30", "-3", "@sum", "\tx", "a\x1b[31mb", "\x07=x", "ok", "'=q", "\x85"])


@settings(max_examples=300, deadline=None)
@given(_frames(), st.lists(_RISKY, max_size=4))
def test_csv_bytes_are_the_neutralised_tables_csv(frame: pd.DataFrame, risky: list[str]) -> None:
    """The export CSV is the CSV of neutralise's copy, character for character, header included: the texts are
    made safe where they are written, not in a copy first (#17)."""
    if risky:  # a text column of them, and an object column mixing them with a blank and a negative number
        mixed: list[object] = [*risky, None, -2.5]
        rows = range(len(frame))
        frame = frame.assign(
            **{
                "=risk": pd.Series([risky[i % len(risky)] for i in rows], dtype="str", index=frame.index),
                "mixed": pd.Series([mixed[i % len(mixed)] for i in rows], dtype=object, index=frame.index),
            }
        )
    expected = neutralise(frame).to_csv(index=False).encode("utf-8")
    assert to_csv_bytes(frame) == b"\xef\xbb\xbf" + expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(), min_size=1, max_size=40))
def test_floats_are_written_as_repr(values: list[float]) -> None:
    """Arrow writes most floats; every one, tiny, huge, whole, negative zero, infinite or missing, reads as repr."""
    from core.export import _float_texts

    array = np.array(values, dtype=np.float64)
    assert _float_texts(array).to_pylist() == ["" if v != v else repr(v) for v in values]


def test_floats_of_every_bit_pattern_are_written_as_repr() -> None:
    """200,000 random bit patterns (subnormals, every exponent, NaNs) and a team's typical ratios."""
    from core.export import _float_texts

    rng = np.random.default_rng(7)
    patterns = rng.integers(-(2**63), 2**63 - 1, 200_000, dtype=np.int64).view(np.float64)
    ratios = rng.integers(1, 400, 50_000) / rng.integers(1, 400, 50_000)
    for array in (patterns, ratios, np.round(ratios, 2), ratios * 1e15, ratios * 1e-4):
        assert _float_texts(array).to_pylist() == ["" if v != v else repr(v) for v in array.tolist()]


def test_csv_text_on_a_segmentation_table() -> None:
    """A real export table (floats, Int64 ranks, flags, texts with commas) comes out as pandas writes it."""
    from core.demo import DemoSpec, generate_team
    from core.scoring.segmentation import segment

    table = segment(generate_team(DemoSpec(reps=60, months=6, seed=3)))
    assert csv_text(table) == table.to_csv(index=False)
    assert csv_text(table.iloc[:0]) == table.iloc[:0].to_csv(index=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(["a", "=", "+", "-", "@", " ", "\t", "\n", "\x1b", "[", "m", "\x07", "\x85"]))
        | st.none(),
        max_size=12,
    ),
    st.sampled_from([object, "str"]),
)
def test_neutralise_is_each_cell_neutralised(cells: list[str | None], dtype: object) -> None:
    """However the column is typed and whatever it holds, every text cell is what neutralise_text makes of it alone
    (distinct values are looked at once, and control characters searched for in one pass, #17)."""
    from core.export import neutralise_text

    frame = pd.DataFrame({"text": pd.Series(cells, dtype=dtype), "n": range(len(cells))})
    out = neutralise(frame)["text"].tolist()
    assert [None if pd.isna(v) else v for v in out] == [None if c is None else neutralise_text(c) for c in cells]
