"""From file to stored rows: every dressing gives the same team; imports are all-or-nothing."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

import core.store.datasets
from core.demo import DemoSpec, generate_team
from core.governance.access import OPERATOR
from core.ingest.importer import (
    ImportOutcome,
    MappingProblem,
    import_prepared,
    import_ready,
    import_summary,
    most_common_errors,
    parse_map_options,
    parse_role_options,
    prepare,
    previous_imports,
    remembered_mapping,
    report_csv,
)
from core.schema import COUNT_COLUMNS, MONEY_COLUMNS
from core.store.datasets import list_datasets, load_records
from core.store.models import Dataset, ImportBatch, PeriodRecord, Person, SavedMapping

from files import crm_xlsx, dutch_csv, german_csv, plain_csv

TEAM = DemoSpec(reps=30, months=4, seed=21, end="2026-04")


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """30 people over 4 months."""
    return generate_team(TEAM)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _same_team(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.sort_values(["rep_id", "period"]).reset_index(drop=True)
    expected = expected.sort_values(["rep_id", "period"]).reset_index(drop=True)
    for column in ("rep_id", "name", "role", "team", "region", "manager", "period"):
        assert got[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    for column in COUNT_COLUMNS:
        pd.testing.assert_series_equal(
            got[column].astype("Float64"), expected[column].astype("Float64"), check_names=False
        )
    for column in MONEY_COLUMNS:
        pd.testing.assert_series_equal(got[column], expected[column], check_names=False, rtol=1e-9)
    assert got["coach_willing"].fillna("").tolist() == expected["coach_willing"].fillna("").tolist()


@pytest.mark.parametrize(
    ("dress", "filename"),
    [(plain_csv, "team.csv"), (german_csv, "export.csv"), (dutch_csv, "export.txt"), (crm_xlsx, "crm.xlsx")],
    ids=["plain", "german", "dutch", "crm"],
)
def test_every_dressing_reads_back_the_same_team(team: pd.DataFrame, dress, filename: str) -> None:  # type: ignore[no-untyped-def]
    """Plain CSV, German Excel CSV, Dutch CSV and a CRM workbook all give exactly the original rows."""
    prepared = prepare(dress(team), filename)
    if dress is german_csv:  # cp1252 cannot hold every name (e.g. "ś"): the file carries "?" instead
        team = team.copy()
        for column in ("name", "manager"):
            team[column] = team[column].map(lambda text: text.encode("cp1252", errors="replace").decode("cp1252"))
    errors = prepared.report[prepared.report["severity"] == "error"]
    assert errors.empty, errors.head()
    assert prepared.rows_valid == len(team)
    assert all(prepared.mapping[f] is not None for f in prepared.mapping)
    _same_team(prepared.frame, team)


def test_errors_name_the_spreadsheet_row_and_the_files_column(team: pd.DataFrame) -> None:
    """A bad cell in a German file is reported with the row number Excel shows, the German header and the value."""
    broken = team.copy()
    sdr_index = broken.index[broken["role"] == "SDR"][0]
    broken["calls"] = broken["calls"].astype(object)
    broken.loc[sdr_index, "calls"] = "viele"
    prepared = prepare(german_csv(broken), "export.csv")
    errors = prepared.report[prepared.report["severity"] == "error"]
    assert len(errors) == 1
    problem = errors.iloc[0]
    assert problem["column"] == "Anrufe"
    assert problem["value"] == "viele"
    # German file: title row, empty row, header row -> the first data row is spreadsheet row 4.
    assert problem["row"] == 4 + list(broken.index).index(sdr_index)
    assert prepared.rows_rejected == 1


def test_unknown_role_is_asked_not_guessed(team: pd.DataFrame) -> None:
    """A role text the app does not know rejects its rows until the user says what it means."""
    odd = team.copy()
    odd.loc[odd["role"] == "AE", "role"] = "Rainmaker"
    first = prepare(plain_csv(odd), "team.csv")
    assert first.unknown_roles == ["Rainmaker"]
    assert first.rows_rejected == int((odd["role"] == "Rainmaker").sum())
    answered = prepare(plain_csv(odd), "team.csv", role_answers={"Rainmaker": "AE"})
    assert answered.unknown_roles == []
    assert answered.rows_valid == len(team)
    skipped = prepare(plain_csv(odd), "team.csv", role_answers={"Rainmaker": "skip"})
    assert skipped.rows_valid == len(team) - first.rows_rejected


def test_mapping_override_and_missing_required_field(team: pd.DataFrame) -> None:
    """An override picks a column by its header; a file without a period column is refused with a sentence."""
    renamed = team.rename(columns={"calls": "Dials made"})
    prepared = prepare(_csv(renamed), "team.csv", mapping={"calls": "Dials made"})
    assert prepared.mapping["calls"] == "Dials made"
    assert prepared.rows_valid == len(team)
    with pytest.raises(MappingProblem, match="period"):
        prepare(_csv(team.drop(columns="period")), "team.csv")
    with pytest.raises(MappingProblem, match="no column 'Nope'"):
        prepare(plain_csv(team), "team.csv", mapping={"calls": "Nope"})


@pytest.mark.parametrize("bad", ["calls", "Anrufe=", "=calls", "Anrufe=callz"])
def test_bad_map_options(bad: str) -> None:
    """A malformed --map option is one clear sentence."""
    with pytest.raises(MappingProblem, match="--map"):
        parse_map_options([bad])


def test_map_and_role_options() -> None:
    """--map and --role options parse into field->header and text->role."""
    assert parse_map_options(["Anrufe=calls", "a=b=period"]) == {"calls": "Anrufe", "period": "a=b"}
    assert parse_role_options(["Rainmaker=ae", "Intern=skip"]) == {"Rainmaker": "AE", "Intern": "skip"}
    with pytest.raises(MappingProblem):
        parse_role_options(["Rainmaker=boss"])


def test_import_stores_rows_batch_and_mapping(engine: Engine, team: pd.DataFrame) -> None:
    """An import stores the valid rows, a batch with SHA-256 and counts, and remembers the mapping."""
    data = dutch_csv(team)
    prepared = prepare(data, "export.csv")
    outcome = import_prepared(engine=engine, prepared=prepared, name="Q1 DACH", viewer=OPERATOR)
    stored = load_records(engine=engine, dataset_id=outcome.dataset_id)
    _same_team(stored, team)
    earlier = previous_imports(engine=engine, sha256=prepared.sha256)
    assert [e.dataset_name for e in earlier] == ["Q1 DACH"]
    mapping, _ = remembered_mapping(engine=engine, headers=list(prepared.raw.frame.columns))
    assert mapping["calls"] == "Gesprekken"


def test_confirmed_mapping_is_remembered(engine: Engine, team: pd.DataFrame) -> None:
    """A mapping confirmed once applies to the next file with the same headers."""
    renamed = team.rename(columns={"calls": "Dials made"})
    first = prepare(_csv(renamed), "a.csv", mapping={"calls": "Dials made"})
    import_prepared(engine=engine, prepared=first, name="first", viewer=OPERATOR)
    mapping, _ = remembered_mapping(engine=engine, headers=list(first.raw.frame.columns))
    second = prepare(_csv(renamed.head(10)), "b.csv", remembered=mapping)
    assert second.mapping["calls"] == "Dials made"


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_failed_import_changes_nothing(engine: Engine, team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing rows leaves no dataset, person, row, batch or remembered mapping behind."""
    prepared = prepare(plain_csv(team), "team.csv")

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(core.store.datasets, "_insert_records", boom)
    with pytest.raises(RuntimeError):
        import_prepared(engine=engine, prepared=prepared, name="never", viewer=OPERATOR)
    for table in (Dataset, Person, PeriodRecord, ImportBatch, SavedMapping):
        assert _count(engine, table) == 0, table.__name__


def test_add_a_later_month(engine: Engine) -> None:
    """A later file extends a dataset; overlapping months need a decision: replace or keep."""
    full = generate_team(DemoSpec(reps=20, months=6, seed=4, end="2026-06"))
    early = full[full["period"] <= "2026-05"]
    late = full[full["period"] >= "2026-05"].copy()
    dataset_id = import_prepared(
        engine=engine, prepared=prepare(plain_csv(early), "early.csv"), name="H1", viewer=OPERATOR
    ).dataset_id
    late_prepared = prepare(plain_csv(late), "late.csv")
    with pytest.raises(ValueError, match="replace them or keep"):
        import_prepared(engine=engine, prepared=late_prepared, into=dataset_id, viewer=OPERATOR)
    may = int((late["period"] == "2026-05").sum())
    kept = import_prepared(engine=engine, prepared=late_prepared, into=dataset_id, overlap="keep", viewer=OPERATOR)
    assert (kept.added, kept.kept, kept.replaced) == (len(late) - may, may, 0)
    assert len(load_records(engine=engine, dataset_id=dataset_id)) == len(full)

    changed = late.copy()
    changed.loc[changed["role"] == "AE", "deals_worked"] += 1
    changed.loc[changed["role"] == "AE", "deals_won"] = 0
    replaced = import_prepared(
        engine=engine,
        prepared=prepare(plain_csv(changed), "late2.csv"),
        into=dataset_id,
        overlap="replace",
        viewer=OPERATOR,
    )
    assert replaced.replaced == len(late)
    stored = load_records(engine=engine, dataset_id=dataset_id)
    assert len(stored) == len(full)
    assert (stored.loc[(stored["role"] == "AE") & (stored["period"] >= "2026-05"), "deals_won"] == 0).all()
    info = next(d for d in list_datasets(engine=engine) if d.id == dataset_id)
    assert info.row_count == len(full)


def test_nothing_valid_is_refused(engine: Engine, team: pd.DataFrame) -> None:
    """A file whose rows are all invalid is not imported, and says what to do."""
    bad = team.copy()
    bad["period"] = "someday"
    prepared = prepare(plain_csv(bad), "bad.csv")
    assert prepared.rows_valid == 0
    with pytest.raises(ValueError, match="No valid rows"):
        import_prepared(engine=engine, prepared=prepared, name="bad", viewer=OPERATOR)
    assert _count(engine, Dataset) == 0


def test_report_csv_neutralises_formulas(team: pd.DataFrame) -> None:
    """Report values that look like formulas are prefixed with a quote in the CSV."""
    bad = team.copy()
    bad["calls"] = bad["calls"].astype(object)
    bad.loc[bad.index[bad["role"] == "SDR"][0], "calls"] = '=HYPERLINK("http://x")'
    prepared = prepare(plain_csv(bad), "team.csv")
    text = report_csv(prepared)
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


DRESSINGS = {"plain": (plain_csv, "t.csv"), "dutch": (dutch_csv, "t.txt"), "crm": (crm_xlsx, "t.xlsx")}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    reps=st.integers(min_value=3, max_value=25),
    months=st.integers(min_value=1, max_value=4),
    dressing=st.sampled_from(sorted(DRESSINGS)),
)
def test_any_dressing_parses_back_to_the_same_values(seed: int, reps: int, months: int, dressing: str) -> None:
    """Property: any generated team in any supported dressing reads back to exactly the same values."""
    team = generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-08"))
    dress, filename = DRESSINGS[dressing]
    prepared = prepare(dress(team), filename)
    assert prepared.report[prepared.report["severity"] == "error"].empty
    _same_team(prepared.frame, team)


def test_most_common_errors_counts_reasons_of_errors_only() -> None:
    """Errors are counted by reason, most frequent first; warnings are not errors."""
    report = pd.DataFrame(
        {
            "reason": ["not a number", "not a number", "no month", "odd value", "odd value", "odd value"],
            "severity": ["error", "error", "error", "warning", "warning", "warning"],
        }
    )
    assert most_common_errors(report) == [("not a number", 2), ("no month", 1)]
    assert most_common_errors(report, top=1) == [("not a number", 2)]


@pytest.mark.parametrize(
    ("name", "into", "clash", "overlap", "ready"),
    [
        ("Q1", None, 0, None, True),
        ("  ", None, 0, None, False),
        (None, 1, 0, None, True),
        (None, 1, 5, None, False),
        (None, 1, 5, "keep", True),
    ],
)
def test_import_ready_needs_a_name_or_an_overlap_decision(
    team: pd.DataFrame, name: str | None, into: int | None, clash: int, overlap: str | None, ready: bool
) -> None:
    """A new dataset needs a name; clashing rows in an existing one need replace-or-keep first."""
    prepared = prepare(_csv(team), "team.csv")
    assert import_ready(prepared, name=name, into=into, clash=clash, overlap=overlap) is ready


def test_import_is_not_ready_without_valid_rows(team: pd.DataFrame) -> None:
    """A file with no valid row cannot be imported, whatever is chosen."""
    broken = team.assign(period="not a month")
    prepared = prepare(_csv(broken), "broken.csv")
    assert prepared.rows_valid == 0
    assert not import_ready(prepared, name="Q1", into=None, clash=0, overlap=None)


def test_import_summary_says_only_what_happened() -> None:
    """The sentence names added rows and the file, and mentions replaced, kept and skipped rows only when any."""
    plain = ImportOutcome(dataset_id=1, added=1200, replaced=0, kept=0, rejected=0)
    assert import_summary(plain, "q1.csv") == "Imported 1,200 rows from q1.csv. It is now the active dataset."
    mixed = ImportOutcome(dataset_id=1, added=10, replaced=3, kept=2, rejected=1)
    assert import_summary(mixed, "q2.csv") == (
        "Imported 10 rows from q2.csv, replaced 3, kept 2 stored rows; skipped 1 invalid rows. "
        "It is now the active dataset."
    )


@pytest.mark.parametrize(
    ("dress", "filename", "before", "after", "space", "removed"),
    [
        (plain_csv, "team.csv", "\x1b[31m", "\x07", "\x0b", "\\x1b[31m, \\x07"),
        # XML cannot hold C0 characters, so a workbook carries the C1 and DEL ones.
        (crm_xlsx, "crm.xlsx", "\x9b31m", "\x7f", "\x85", "\\x9b31m, \\x7f"),
    ],
)
def test_control_characters_are_stripped_with_a_warning_per_cell(
    team: pd.DataFrame,
    dress: Callable[[pd.DataFrame], bytes],
    filename: str,
    before: str,
    after: str,
    space: str,
    removed: str,
) -> None:
    """Escape codes, BEL/DEL and line-separating controls in names and teams are removed on import, each cell warned."""
    first = team["rep_id"].iloc[0]
    hostile = team.copy()
    rows = hostile["rep_id"] == first
    hostile.loc[rows, "name"] = before + hostile.loc[rows, "name"] + after
    hostile.loc[rows, "team"] = f"Team{space}Nord"
    prepared = prepare(dress(hostile), filename)
    assert prepared.rows_rejected == 0
    stored = prepared.frame[prepared.frame["rep_id"] == first]
    assert stored["name"].unique().tolist() == [team.loc[rows, "name"].iloc[0]]
    assert stored["team"].unique().tolist() == ["Team Nord"]
    warned = prepared.report[prepared.report["reason"].str.startswith("control characters removed")]
    months = int(rows.sum())
    assert len(warned) == 2 * months and set(warned["severity"]) == {"warning"}
    names = warned[warned["value"] == team.loc[rows, "name"].iloc[0]]  # the report itself is clean
    assert names["reason"].tolist() == [f"control characters removed: {removed}"] * months
    assert any(filename in w and "control characters" in w for w in prepared.warnings)
    assert not prepared.frame.astype(str).apply(lambda c: c.str.contains(r"[\x00-\x1f\x7f-\x9f]")).any().any()


def test_long_rejected_values_are_cut_in_the_report(team: pd.DataFrame) -> None:
    """A 10,000-character name is rejected on every row with its first 60 characters and its length, not in full."""
    hostile = team.copy()
    rows = hostile["rep_id"] == hostile["rep_id"].iloc[0]
    hostile.loc[rows, "name"] = "N" * 10_000
    prepared = prepare(plain_csv(hostile), "team.csv")
    long = prepared.report[prepared.report["reason"].str.startswith("too long")]
    assert len(long) == int(rows.sum())
    assert set(long["value"]) == {"N" * 60 + "… (10,000 characters)"}
    assert len(report_csv(prepared)) < 20_000
