"""The fast path for clean canonical files gives exactly what the general path gives, or stands aside.

``prepare_canonical`` (#17) reads a file in Coachwise's own layout with Arrow and checks the rules on whole
arrays. Whenever it takes a file, everything ``prepare`` returns must be what the general path returns for
the same bytes: the stored frame, the report, the raw cells and row numbers, the warnings, the mapping. Clean
files must take it (else it would be a path that never runs); files that need the general path's repairs,
questions or report must not. Random cells from the mistakes real exports carry check both at once.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.ingest import ahead, canonical, sources
from core.ingest.canonical import prepare_canonical
from core.ingest.importer import Prepared, prepare
from core.ingest.mapping import header_signature
from core.ingest.sources import Remembered, Source, prepare_sources
from core.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS


def _team(reps: int = 12, months: int = 4, seed: int = 3) -> pd.DataFrame:
    return generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-04"))


def _csv(frame: pd.DataFrame, *, newline: str = "\n") -> bytes:
    return str(frame.to_csv(index=False, lineterminator=newline)).encode("utf-8")


def _assert_same(fast: Prepared, general: Prepared) -> None:
    pd.testing.assert_frame_equal(fast.frame, general.frame)
    pd.testing.assert_frame_equal(fast.report, general.report)
    pd.testing.assert_frame_equal(fast.raw.frame.astype(object), general.raw.frame.astype(object))
    assert fast.raw.row_numbers == general.raw.row_numbers
    assert (fast.raw.encoding, fast.raw.separator, fast.raw.kind) == (
        general.raw.encoding,
        general.raw.separator,
        general.raw.kind,
    )
    assert fast.raw.warnings == general.raw.warnings
    assert fast.warnings == general.warnings
    assert fast.mapping == general.mapping
    assert (fast.unknown_roles, fast.role_questions, fast.role_answers) == (
        general.unknown_roles,
        general.role_questions,
        general.role_answers,
    )
    assert (fast.rows_total, fast.sha256, fast.filename, fast.signature) == (
        general.rows_total,
        general.sha256,
        general.filename,
        general.signature,
    )


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch, name: str = "team.csv") -> tuple[bool, Prepared, Prepared]:
    """(whether the fast path took the file, prepare's result, the general path's result)."""
    taken = prepare_canonical(data, name, max_bytes=1 << 30, mapping=None, remembered=None, role_answers=None)
    result = prepare(data, name, max_bytes=1 << 30)
    with monkeypatch.context() as patch:
        patch.setattr(canonical, "ENABLED", False)
        general = prepare(data, name, max_bytes=1 << 30)
    return taken is not None, result, general


CLEAN = {
    "the template's layout": lambda team: _csv(team),
    "Windows line ends": lambda team: _csv(team, newline="\r\n"),
    "Excel's UTF-8 mark": lambda team: codecs.BOM_UTF8 + _csv(team),
    "no final line end": lambda team: _csv(team).rstrip(b"\n"),
    "only the required columns": lambda team: _csv(team[["rep_id", "name", "role", "period", "calls", "leads_sent",
                                                        "qualified_leads", "deals_worked", "deals_won",
                                                        "portfolio_start", "portfolio_end"]]),
    "columns in another order": lambda team: _csv(team[list(reversed(team.columns))]),
    "quoted names with commas": lambda team: _csv(team.assign(name=team["name"] + ", Jr.")),
    "months written 2026-1": lambda team: _csv(team.assign(period=team["period"].str.replace("-0", "-"))),
    "shuffled rows": lambda team: _csv(team.sample(frac=1, random_state=1)),
    "accented and non-Latin names": lambda team: _csv(team.assign(name="Łukasz Wróbel-Đorđević 李")),
    # Values the general path reads without a word are read by the same functions, once per distinct text:
    "months as words": lambda team: _csv(team.assign(period=pd.to_datetime(team["period"]).dt.strftime("%b %Y"))),
    "roles spelled out": lambda team: _csv(team.assign(role=team["role"].map(
        {"SDR": "Sales Development Rep", "AE": "Account Executive", "AM": "account manager"}))),
    "yes/no and languages in German": lambda team: _csv(team.assign(coach_willing="Ja", language="Deutsch")),
}  # fmt: skip


@pytest.mark.parametrize("variant", list(CLEAN))
def test_a_clean_canonical_file_takes_the_fast_path_and_gives_the_same(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken, fast, general = _both(CLEAN[variant](_team()), monkeypatch)
    assert taken
    _assert_same(fast, general)
    assert general.rows_valid == general.rows_total > 0


def test_a_file_without_optional_columns_says_which_are_missing_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    team = _team()[["rep_id", "name", "role", "period", "calls", "leads_sent", "qualified_leads", "deals_worked",
                    "deals_won", "portfolio_start", "portfolio_end"]]  # fmt: skip
    taken, fast, general = _both(_csv(team), monkeypatch)
    assert taken and fast.warnings and fast.warnings == general.warnings
    assert {"team", "region", "quota"} <= {f for f in REQUIRED_COLUMNS if f in fast.warnings[0]}


def _with(team: pd.DataFrame, row: int, column: str, value: object) -> pd.DataFrame:
    changed = team.astype(object).copy()
    changed.loc[row, column] = value
    return changed


def _first(team: pd.DataFrame, role: str) -> int:
    return int(team.index[team["role"] == role][0])


MESSY = {
    "a blank line": lambda team: _csv(team).replace(b"\n", b"\n\n", 3),
    "a totals row": lambda team: _csv(team) + b"Total," + b"," * (len(team.columns) - 1) + b"\n",
    "a cell with spaces around": lambda team: _csv(_with(team, 2, "name", " Lea Wolf ")),
    "a terminal colour code": lambda team: _csv(_with(team, 2, "name", "Lea \x1b[31mWolf")),
    "a decimal comma": lambda team: _csv(_with(team, 0, "portfolio_start", "1234,5")),
    "grouped thousands": lambda team: _csv(_with(team, 0, "portfolio_start", "1,234.50")),
    "a negative count": lambda team: _csv(_with(team, 5, "calls", "-3")),
    "a fraction in a count": lambda team: _csv(_with(team, 5, "calls", "2.5")),
    "a currency sign": lambda team: _csv(_with(team, 0, "portfolio_end", "€ 900")),
    "an impossible month": lambda team: _csv(_with(team, 0, "period", "2026-13")),
    "an unknown role": lambda team: _csv(_with(team, 0, "role", "Hunter")),
    "a person twice in a month": lambda team: _csv(pd.concat([team, team.iloc[[3]]])),
    "a person with two names": lambda team: _csv(_with(team, 1, "name", "Someone Else")),
    "a stray value of another role": lambda team: _csv(_with(team, _first(team, "AM"), "calls", "7")),
    "a missing required count": lambda team: _csv(_with(team, _first(team, "SDR"), "calls", "")),
    "an unknown language": lambda team: _csv(team.assign(language="Klingon")),
    "a quoted line break": lambda team: _csv(_with(team, 2, "name", "Lea\nWolf")),
    "an unclosed quote at the end": lambda team: _csv(team) + b'"E9,',
    "an extra column": lambda team: _csv(team.assign(notes="x")),
    "a header with another name": lambda team: _csv(team.rename(columns={"rep_id": "Employee ID"})),
    "cp1252 text": lambda team: _csv(_with(team, 0, "name", "Jürgen Wolf")).replace("ü".encode(), b"\xfc"),
    "a semicolon file": lambda team: _csv(team).replace(b",", b";"),
    "a file with only the header": lambda team: _csv(team.iloc[:0]),
    "a too long name": lambda team: _csv(_with(team, 0, "name", "x" * 201)),
    "more won than worked": lambda team: _csv(_with(team, _first(team, "AE"), "deals_won", "9999")),
}


@pytest.mark.parametrize("variant", list(MESSY))
def test_a_file_that_needs_the_general_path_gets_it(variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    team = _team()
    data = MESSY[variant](team)
    taken = prepare_canonical(data, "team.csv", max_bytes=1 << 30, mapping=None, remembered=None, role_answers=None)
    assert not taken
    try:
        _both(data, monkeypatch)  # whatever the general path says, it says it (or refuses the file) as before
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "UnusableFile"


def test_a_mapping_that_leaves_a_column_out_is_followed_and_any_other_mapping_or_answer_is_not_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _csv(_team())
    left_out = {"team": None, "quota": None}
    taken = prepare_canonical(data, "t.csv", max_bytes=1 << 30, mapping=left_out, remembered=None, role_answers=None)
    assert taken is not None and taken.frame["team"].isna().all() and taken.frame["quota"].isna().all()
    with monkeypatch.context() as patch:
        patch.setattr(canonical, "ENABLED", False)
        _assert_same(taken, prepare(data, "t.csv", mapping=left_out))
    swapped = {"team": "region", "region": "team"}
    for mapping, answers, name, limit in (
        (swapped, None, "t.csv", 1 << 30),
        (None, None, "t.xlsx", 1 << 30),
        (None, None, "t.csv", 100),
    ):
        assert not prepare_canonical(
            data, name, max_bytes=limit, mapping=mapping, remembered=None, role_answers=answers
        )


@pytest.mark.parametrize("answer", ["AE", "SDR", "skip"])
def test_role_answers_are_followed_the_same_way(answer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A title the app did not know, answered before (the Upload page remembers answers): read as answered,
    still asked about in role_questions; skipped rows need the general path's report."""
    team = _team()
    team.loc[team["role"] == "AE", "role"] = "Deal Wizard"
    data = _csv(team)
    answers = {"Deal Wizard": answer, "Farmer": "AM"}
    taken = prepare_canonical(data, "t.csv", max_bytes=1 << 30, mapping=None, remembered=None, role_answers=answers)
    fast = prepare(data, "t.csv", role_answers=answers)
    with monkeypatch.context() as patch:
        patch.setattr(canonical, "ENABLED", False)
        general = prepare(data, "t.csv", role_answers=answers)
    assert (taken is not None) == (answer == "AE")  # as SDRs the AE counts would be reported
    _assert_same(fast, general)
    assert fast.role_questions == ["Deal Wizard"]


def test_a_derived_table_is_read_the_fast_way_without_the_unmapped_note(monkeypatch: pytest.MonkeyPatch) -> None:
    data = codecs.BOM_UTF8 + _csv(_team()[["rep_id", "name", "role", "period", "calls", "leads_sent",
                                             "qualified_leads", "deals_worked", "deals_won", "portfolio_start",
                                             "portfolio_end"]])  # fmt: skip
    taken = prepare_canonical(
        data, "a.csv", max_bytes=1 << 30, mapping=None, remembered=None, role_answers=None, note_unmapped=False
    )
    assert taken is not None and taken.warnings == []
    with monkeypatch.context() as patch:
        patch.setattr(canonical, "ENABLED", False)
        _assert_same(taken, prepare(data, "a.csv", note_unmapped=False))


CELLS = [
    "", " ", "0", "007", "12", "12.5", "1.234", "1.2.3", ".5", "5.", "-1", "+1", "1e3", "1,5", "n/a", "Total",
    "AE", "SDR ", "Account Executive", "2026-01", "2026-1", "2026-13", "Jan 2026", "yes", "no", "Ja", "x",
    "de", "Deutsch", "Klingon", "Lea Wolf", "Lea\tWolf", "\u00a0Lea", "Łukasz", '"quoted"', "a,b",
]  # fmt: skip


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 11), st.sampled_from(list(CANONICAL_COLUMNS)), st.sampled_from(CELLS)), max_size=3
    )
)
def test_whenever_the_fast_path_takes_a_file_it_gives_what_the_general_path_gives(
    changes: list[tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    team = _team(reps=4, months=3)
    for row, column, value in changes:
        team = _with(team, row, column, value)
    data = _csv(team)
    try:
        taken, fast, general = _both(data, monkeypatch)
    except Exception as exc:  # noqa: BLE001  (the general path refuses the file: the fast path must not take it)
        assert type(exc).__name__ == "UnusableFile"
        assert not prepare_canonical(
            data, "team.csv", max_bytes=1 << 30, mapping=None, remembered=None, role_answers=None
        )
        return
    if taken:
        _assert_same(fast, general)
        assert general.report.empty


@pytest.mark.parametrize("variant", list(CLEAN))
def test_a_single_clean_file_given_to_the_command_line_and_the_upload_takes_the_fast_path_too(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prepare_sources (the CLI's and the Upload page's way in) reads such a file without reading it twice."""
    data = CLEAN[variant](_team())
    reads: list[str] = []
    real = sources.read_table
    monkeypatch.setattr(sources, "read_table", lambda *a, **k: reads.append("read") or real(*a, **k))
    fast = prepare_sources([Source("team.csv", data)], max_bytes=1 << 30)
    assert reads == []
    with monkeypatch.context() as patch:
        patch.setattr(canonical, "ENABLED", False)
        general = prepare_sources([Source("team.csv", data)], max_bytes=1 << 30)
    assert reads == ["read"]
    assert fast.prepared is not None and general.prepared is not None
    _assert_same(fast.prepared, general.prepared)
    assert fast.ready == general.ready and fast.derivation is None and general.derivation is None


def test_a_file_remembered_as_a_crm_export_or_given_another_kind_is_read_the_general_way() -> None:
    data = _csv(_team())
    signature = header_signature(list(_team().columns))
    as_roster = prepare_sources(
        [Source("team.csv", data)], recall=lambda _s: Remembered(kinds={signature: "roster"}), max_bytes=1 << 30
    )
    assert as_roster.derivation is not None  # derived from a people list, as chosen before
    chosen = prepare_sources([Source("team.csv", data)], kinds={"team.csv": "roster"}, max_bytes=1 << 30)
    assert chosen.derivation is not None


def test_a_file_arrow_reads_in_many_blocks_gives_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrow reads a big file in blocks of about 1 MB, each with its own piece of every column: the distinct
    values and numbers are put together across blocks exactly (a 2.5 MB file here, several blocks)."""
    team = _team(reps=3_000, months=9, seed=5)
    data = _csv(team)
    assert len(data) > 2_000_000
    taken, fast, general = _both(data, monkeypatch)
    assert taken
    _assert_same(fast, general)


_PLAIN_CELLS = st.one_of(
    st.just(""),
    st.integers(0, 10**12).map(str),
    st.tuples(st.integers(0, 10**6), st.integers(0, 10**4)).map(lambda p: f"{p[0]}.{p[1]}"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PLAIN_CELLS, min_size=1, max_size=40), st.data())
def test_plain_numbers_of_any_piece_of_an_arrow_column(cells: list[str], data: st.DataObject) -> None:
    """Plain numbers are read from Arrow's own buffers, blanks as missing — also for a piece that starts inside
    them (an offset), as Arrow's blocks and slices do."""
    import math

    import pyarrow as pa

    start = data.draw(st.integers(0, len(cells) - 1))
    stop = data.draw(st.integers(start, len(cells)))
    column = pa.chunked_array([pa.array(cells, type=pa.large_string()).slice(start, stop - start)])
    values, _unsure = canonical._plain_numbers(column)
    expected = [float(c) if c else math.nan for c in cells[start:stop]]
    assert [None if math.isnan(v) else v for v in values.tolist()] == [None if math.isnan(v) else v for v in expected]


@pytest.mark.parametrize("variant", [*CLEAN, *MESSY])
def test_a_file_read_ahead_gives_what_it_gives_read_afterwards(
    variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line reads its files ahead while pandas loads (core.ingest.ahead): clean or messy, a file
    read that way is prepared exactly as when it is read afterwards — or refused with the same sentence."""
    data = {**CLEAN, **MESSY}[variant](_team())
    path = tmp_path / "team.csv"
    path.write_bytes(data)

    def prepared() -> Prepared | str:
        try:
            result = prepare_sources([Source(path.name, ahead.file_bytes(str(path)))], max_bytes=1 << 30)
        except Exception as exc:  # noqa: BLE001  (the same refusal either way)
            return f"{type(exc).__name__}: {exc}"
        assert result.prepared is not None
        return result.prepared

    ahead.forget()
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    try:
        early = prepared()
    finally:
        ahead.forget()
    late = prepared()
    if isinstance(early, str) or isinstance(late, str):
        assert early == late
    else:
        _assert_same(early, late)
