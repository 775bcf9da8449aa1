"""The reader's fast CSV path (#17) against the slow path it replaced, on the same hostile and messy files.

``core.ingest.reader.FAST_PATH`` switches between them: cells as Python strings straight from the parser and
stripped only in columns whose cells may have blank edges, versus pandas strings stripped cell by cell and
converted back. Every rule — header detection, title, blank and totals rows, empty columns, row numbers,
warnings, refusals and their sentences — must come out the same.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import core.ingest.reader as reader
from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.ingest.reader import RawTable, UnusableFile, read_table

from files import (
    binary_junk,
    csv_bytes,
    dutch_csv,
    german_csv,
    pdf_bytes,
    plain_csv,
    plain_zip,
    png_bytes,
    small_xlsx,
)

TEAM = DemoSpec(reps=25, months=3, seed=6, end="2026-03")

MESSY: dict[str, bytes] = {
    "blank edges.csv": "rep_id, name ,role\n E1 ,\tAnn\t,AE \n\u00a0E2\u00a0, Bo\u3000,\x1cSDR\x1f\n".encode(),
    "title and totals.csv": b"Team export\n\nrep_id;name;deals\nE1;Ann;3\n\nE2;Bo;4\nTotal;;7\nSumme:;;7\n",
    "short and long rows.csv": b"a,b,c\n1,2\n1,2,3\n" + b"4,5,6\n" * 40 + b"7,8,9,10,11\n",
    "quoted lines.csv": b'rep_id,name,note\nE1,"Ann\nSmith"," two\r\nlines "\nE2,Bo,\n',
    "crlf and cr.csv": b"rep_id,name\r\nE1,Ann\r\nE2,Bo\rE3,Cy\r\n",
    "bom.csv": b"\xef\xbb\xbfrep_id,name\nE1,J\xc3\xbcrgen\n",
    "empty columns.csv": b"rep_id,,name,,\nE1,,Ann,,\nE2,,Bo,,\n",
    "duplicate headers.csv": b"name,name,,name (2)\nAnn,A,x,B\n",
    "formulas.csv": b'rep_id,name\nE1,=HYPERLINK("x")\nE2,+1\nE3,-2\nE4,@SUM(A1)\n',
    "sep hint.csv": b"sep=|\nrep_id|name\nE1|Ann\n",
    "tabs.tsv": b"rep_id\tname\tcalls\nE1\t Ann \t 3\nE2\tBo\t\n",
    "only blanks in edges.csv": b"  rep_id  ,  name  \n  E1  ,    \n  E2  ,  Bo  \n",
    "controls.csv": b"rep_id,name\nE1,Ann\x1b[31m\nE2,\x07Bo\n",
    "cp1252.csv": "rep_id;name\nE1;Jürgen Müller \nE2; Zoë\n".encode("cp1252"),
    "latin1 control.csv": b"rep_id,name\nE1,\x81Ann\n",
    "lossy utf16.csv": b"\xff\xfe" + "rep_id,name\nE1, Ann \n".encode("utf-16-le") + b"\x00\xd8",
    "unclosed quote.csv": b'rep_id,name\nE1,"Ann\nE2,Bo\n',
    "header only.csv": b"rep_id,name,role\n",
    "blank.csv": b"  \n\n\t\n",
    "numbers as header.csv": b"1,2,3\n4,5,6\n",
    "wide.csv": b",".join(b"c%d" % i for i in range(1_200)) + b"\n" + b"1," * 1_199 + b"1\n",
    "html.csv": b"<!DOCTYPE html><html><body>no</body></html>",
    "json.csv": b'{"rep_id": "E1"}',
    "team.xlsx": b"rep_id,name\nE1,Ann\n",
    "nul.csv": b"rep_id,name\nE1,A\x00nn\n",
}
HOSTILE: dict[str, bytes] = {
    "junk.csv": binary_junk(4096),
    "report.pdf.csv": pdf_bytes(),
    "image.csv": png_bytes(),
    "archive.csv": plain_zip(),
}


def _outcome(data: bytes, filename: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> RawTable | str:
    """The table one path reads, or the sentence it refuses the file with."""
    with monkeypatch.context() as patch:
        patch.setattr(reader, "FAST_PATH", fast)
        try:
            return read_table(data, filename)
        except UnusableFile as exc:
            return f"refused: {exc}"


def _assert_same(data: bytes, filename: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _outcome(data, filename, fast=True, monkeypatch=monkeypatch)
    slow = _outcome(data, filename, fast=False, monkeypatch=monkeypatch)
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow, filename
        return
    pd.testing.assert_frame_equal(fast.frame, slow.frame, check_dtype=True)
    assert all(pd.api.types.is_object_dtype(d) for d in fast.frame.dtypes), filename
    for attribute in ("row_numbers", "filename", "kind", "sheet", "sheets", "encoding", "separator", "warnings"):
        assert getattr(fast, attribute) == getattr(slow, attribute), (filename, attribute)


@pytest.mark.parametrize("filename", sorted(MESSY))
def test_messy_files_read_the_same_both_ways(filename: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blank edges (tab, NBSP, ideographic space, \\x1c), titles, totals, ragged rows, quoted line breaks..."""
    _assert_same(MESSY[filename], filename, monkeypatch)


@pytest.mark.parametrize("filename", sorted(HOSTILE))
def test_hostile_files_are_refused_the_same_both_ways(filename: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Binary junk, a PDF, an image and a zip: the same one-sentence refusal."""
    outcome = _outcome(HOSTILE[filename], filename, fast=True, monkeypatch=monkeypatch)
    assert isinstance(outcome, str)
    _assert_same(HOSTILE[filename], filename, monkeypatch)


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """A small demo team with names that need more than ASCII."""
    frame = generate_team(TEAM)
    frame.loc[0, "name"] = "  Jürgen Müller "
    frame.loc[1, "name"] = "Łukasz\u00a0Wróbel"
    return frame


@pytest.mark.parametrize("dress", ["plain", "german", "dutch", "semicolon crlf", "tab"])
def test_dressed_teams_read_the_same_both_ways(dress: str, team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """The monthly table as Coachwise documents it, as German and Dutch Excel save it, and with other separators."""
    rows = [list(team.columns), *team.astype(str).to_numpy().tolist()]
    data = {
        "plain": lambda: plain_csv(team),
        "german": lambda: german_csv(team),
        "dutch": lambda: dutch_csv(team),
        "semicolon crlf": lambda: csv_bytes(rows, sep=";", newline="\r\n"),
        "tab": lambda: csv_bytes(rows, sep="\t"),
    }[dress]()
    _assert_same(data, f"{dress}.csv", monkeypatch)


@pytest.mark.parametrize(
    "spec",
    [
        CrmSpec(seed=3),
        CrmSpec(vendor="HubSpot", language="nl", seed=4, owner_email=True),
        CrmSpec(vendor="Pipedrive", language="de", seed=5, day_first=False),
    ],
    ids=["salesforce footer", "hubspot nl", "pipedrive de"],
)
def test_crm_exports_read_the_same_both_ways(
    spec: CrmSpec, team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every CRM export the demo writes (quoted cells, report footers, EN/DE/NL) reads the same both ways."""
    for name, data in explode(team, spec).items():
        _assert_same(data, name, monkeypatch)


def test_a_workbook_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook goes through the same header and totals rules."""
    _assert_same(small_xlsx(), "small.xlsx", monkeypatch)


CELL = st.one_of(
    st.text(alphabet=list('ab1,;"\t \n\r:\u00a0\u3000\x1c\x85ü='), max_size=6),
    st.sampled_from(["Total", " Summe: ", "Gesamt", "TOTAAL", ""]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6), sep=st.sampled_from(",;\t|"))
def test_random_messy_tables_read_the_same_both_ways(
    rows: list[list[str]], sep: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random small tables of separators, quotes, blanks of every kind, line breaks and totals words."""
    _assert_same(csv_bytes(rows, sep=sep), "random.csv", monkeypatch)
    raw = "\n".join(sep.join(row) for row in rows).encode("utf-8")  # unquoted: ragged and broken on purpose
    _assert_same(raw, "raw.csv", monkeypatch)


def test_the_fast_path_takes_the_template_and_crm_exports(team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean files do not fall back: the template and the CRM exports never reach the slow parser."""

    def slow(*_args: object) -> pd.DataFrame:
        raise AssertionError("the slow parser was used")

    monkeypatch.setattr(reader, "_parse_csv", slow)
    read_table(plain_csv(team), "team.csv")
    read_table(german_csv(team), "export.csv")  # cp1252 and ';': the parser reads it re-encoded as UTF-8
    for name, data in explode(team, CrmSpec(seed=3, footer=False)).items():
        read_table(data, name)


def test_count_lines_counts_every_kind_of_line_break() -> None:
    """LF, CRLF and a lone CR each end a line; a last line without a break still counts."""
    assert reader.count_lines(b"a\nb") == 2
    assert reader.count_lines(b"a\nb\n") == 2
    assert reader.count_lines(b"a\r\nb\rc\r\n") == 3
    assert reader.count_lines(b"\n\n") == 2


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6),
    quoted=st.booleans(),
    sep=st.sampled_from(",;\t|"),
)
@example(rows=[["", ",\t\t"]], quoted=True, sep="\t")  # the last cell's open quote swallows the final line break
def test_counting_lines_tells_what_searching_the_cells_tells(rows: list[list[str]], quoted: bool, sep: str) -> None:
    """Property: where Arrow reads a file, as many rows as lines answers "every quote closed?" as searching every
    cell for a line break does (#17: the search costs a tenth of a second on a big calls export)."""
    import pyarrow as pa

    payload = csv_bytes(rows, sep=",") if quoted else "\n".join(",".join(r) for r in rows).encode("utf-8")
    payload += b'\n"' if len(rows) % 3 == 0 else b""  # now and then an unclosed quote on the last line
    lines = reader.count_lines(payload)
    for width in range(1, 12):  # the width the file reads at, as the reader's sniffing would find it
        try:
            table = reader.arrow_cells(payload, sep, width)
        except (pa.ArrowInvalid, ValueError):
            continue  # not this width (or the slow path reads it)
        assert table.num_rows <= lines
        assert reader._quotes_closed(payload, table, lines) == reader._quotes_closed(payload, table)


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(CELL, min_size=1, max_size=8),
    rows=st.integers(1, 3_000),
    seed=st.integers(0, 1_000),
    sliced=st.booleans(),
)
def test_cells_become_the_same_python_strings_shared_or_not(
    texts: list[str], rows: int, seed: int, sliced: bool
) -> None:
    """Property: text columns read by Arrow become exactly ``astype(object)``'s cells, whether each distinct cell
    is converted once and shared (repeating columns) or every cell on its own."""
    import numpy as np

    rng = np.random.default_rng(seed)
    repeating = [texts[i] for i in rng.integers(0, len(texts), rows)]
    distinct = [f"{i}-{t}" for i, t in enumerate(repeating)]
    grid = pd.DataFrame({0: repeating, 1: distinct}, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    data = grid.iloc[1::2] if sliced else grid
    got = reader._objects(data)
    pd.testing.assert_frame_equal(got, data.astype(object), check_dtype=True)
    assert all(pd.api.types.is_object_dtype(d) for d in got.dtypes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(CELL, min_size=1, max_size=8), rows=st.integers(1_000, 2_500), seed=st.integers(0, 1_000))
def test_totals_rows_found_alike_by_distinct_cell_or_by_row(
    texts: list[str], rows: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Property: totals rows found by reading each distinct cell of a repeating column once are those found by
    reading every row (#17)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    picked = [texts[i].strip() for i in rng.integers(0, len(texts), rows)]
    data = pd.DataFrame({0: picked, 1: picked[::-1]}, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    by_distinct = reader._totals_rows(data)
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_REPEATS_FROM", 10**9)
        assert not reader._repeating(data[0])
        by_row = reader._totals_rows(data)
    assert by_distinct.tolist() == by_row.tolist()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(CELL, min_size=1, max_size=8),
    rows=st.integers(1_000, 2_500),
    seed=st.integers(0, 1_000),
    title=st.booleans(),
)
def test_repeating_columns_stripped_by_distinct_cell_read_as_cell_by_cell(
    texts: list[str], rows: int, seed: int, title: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Property: a file whose columns repeat messy cells (blank edges of every kind, totals words, blank cells)
    reads the same when each distinct cell is stripped, checked for a totals label and made a Python string
    once (#17) as when every cell is (title rows, blank and totals rows, row numbers and warnings included)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    picked = [[texts[i] for i in row] for row in rng.integers(0, len(texts), (rows, 3))]
    lines = [["Team export"]] if title else []
    lines += [["Owner", "Type", "Date"], *([a, b, f"{i % 28 + 1}/03/2026 {c}"] for i, (a, b, c) in enumerate(picked))]
    data = csv_bytes(lines, sep=",")

    def read() -> RawTable | str:
        try:
            return read_table(data, "calls.csv")
        except UnusableFile as refused:  # refused alike: every cell blank or a totals row, control characters
            return str(refused)

    by_distinct = read()
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_REPEATS_FROM", 10**9)
        by_cell = read()
    if isinstance(by_distinct, str) or isinstance(by_cell, str):
        assert by_distinct == by_cell
        return
    pd.testing.assert_frame_equal(by_distinct.frame, by_cell.frame)
    assert (by_distinct.row_numbers, by_distinct.warnings) == (by_cell.row_numbers, by_cell.warnings)
    assert_arrow_text_is_the_frame(by_distinct)
    assert_arrow_text_is_the_frame(by_cell)
    assert_arrow_text_is_the_frame(by_distinct.head(len(by_distinct.frame) // 2))


def assert_arrow_text_is_the_frame(raw: RawTable) -> None:
    """Every column the reader kept as Arrow text holds the frame's cells, row for row."""
    import pyarrow as pa

    assert set(raw.text) == {str(h) for h in raw.frame.columns}
    for header in raw.frame.columns:
        cells = raw.arrow_text(str(header))
        assert cells is not None
        texts = cells.dictionary_decode() if isinstance(cells, pa.DictionaryArray) else cells
        assert texts.to_pylist() == raw.frame[header].tolist()


def test_crm_exports_keep_their_cells_as_arrow_text_past_the_footer() -> None:
    """CRM exports (report footer dropped) keep each column's cells as Arrow text, row for row the frame's."""
    from core.ingest.records.kinds import read_records

    files = explode(generate_team(TEAM), CrmSpec(seed=2))
    for name, data in files.items():
        file = read_records(data, name)
        assert_arrow_text_is_the_frame(file.raw)
    assert any("footer" in note for name, data in files.items() for note in read_records(data, name).notes)


UTF8_EDGES = [b"\xc0\x80", b"\xc2\x80", b"\xed\xa0\x80", b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xf4\x8f\xbf\xbf",
              b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xe0\x80\xaf", b"\xef\xbb\xbf", b"\x80", b"\xff",
              "ü€😀".encode(), b"a,b\n", b"\x00"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(UTF8_EDGES)), max_size=12))
def test_utf8_checked_in_place_as_python_decodes_it(parts: list[bytes]) -> None:
    """Property: Arrow's check of the bytes accepts exactly what Python's strict UTF-8 decoding accepts
    (overlong forms, surrogates, code points past U+10FFFF, stray continuation bytes, cut sequences)."""
    data = b"".join(parts)
    try:
        data.decode("utf-8")
        decodes = True
    except UnicodeDecodeError:
        decodes = False
    assert reader.is_utf8(data) == decodes


@settings(max_examples=40, deadline=None)
@given(chars=st.lists(st.sampled_from(["a", "ü", "€", "😀", "\n"]), min_size=1, max_size=8), seed=st.integers(0, 99))
def test_the_head_of_a_utf8_file_is_its_first_characters(chars: list[str], seed: int) -> None:
    """Property: the head decoded for sniffing is the start of the text, at least SNIFF_BYTES characters long
    (or all of it), wherever the cut falls in a character of one to four bytes."""
    import numpy as np

    size = reader.SNIFF_BYTES + np.random.default_rng(seed).integers(-10, 10)
    text = "".join(chars[i % len(chars)] for i in range(max(1, int(size)) + seed))
    head = reader._utf8_head(text.encode("utf-8"))
    assert text.startswith(head) and len(head) >= min(len(text), reader.SNIFF_BYTES)
