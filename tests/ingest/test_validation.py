"""Validation rules: per cell, across fields, duplicates, identity conflicts — each reported by row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.ingest.validation import CellIssue, validate
from core.schema import CANONICAL_COLUMNS

BASE = {
    "rep_id": "E1",
    "name": "Lea Wolf",
    "role": "SDR",
    "team": "DACH",
    "region": "DACH",
    "manager": "Jörg Schäfer",
    "period": "2026-01",
    "calls": 500.0,
    "leads_sent": 20.0,
    "qualified_leads": 10.0,
    "deals_worked": np.nan,
    "deals_won": np.nan,
    "revenue_won": np.nan,
    "quota": np.nan,
    "portfolio_start": np.nan,
    "portfolio_end": np.nan,
    "coach_willing": "yes",
}
AE = {
    **BASE,
    "rep_id": "E2",
    "role": "AE",
    "calls": np.nan,
    "leads_sent": np.nan,
    "qualified_leads": np.nan,
    "deals_worked": 10.0,
    "deals_won": 3.0,
    "revenue_won": 50000.0,
    "quota": 80000.0,
}
AM = {
    **BASE,
    "rep_id": "E3",
    "role": "AM",
    "calls": np.nan,
    "leads_sent": np.nan,
    "qualified_leads": np.nan,
    "portfolio_start": 1e6,
    "portfolio_end": 1.01e6,
}


def _run(rows: list[dict[str, object]], issues: dict[str, CellIssue] | None = None):  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(rows, columns=list(CANONICAL_COLUMNS))
    for c in ("rep_id", "name", "role", "team", "region", "manager", "period", "coach_willing"):
        frame[c] = frame[c].astype(object).where(frame[c].notna(), pd.NA)
    raw = frame.astype(str)
    numbers = pd.Series(range(2, 2 + len(frame)), index=frame.index)
    headers = {c: c.upper() for c in CANONICAL_COLUMNS}
    return validate(frame, raw=raw, row_numbers=numbers, headers=headers, parse_issues=issues)


def test_valid_rows_have_empty_report() -> None:
    """One correct row per role gives no problem and rejects nothing."""
    result = _run([BASE, AE, AM])
    assert result.report.empty
    assert len(result.rejected) == 0


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ({**BASE, "calls": -1.0}, "CALLS", "0 or more"),
        ({**BASE, "calls": 2.5}, "CALLS", "whole number"),
        ({**BASE, "qualified_leads": 30.0}, "QUALIFIED_LEADS", "more than LEADS_SENT"),
        ({**AE, "deals_won": 11.0}, "DEALS_WON", "more than DEALS_WORKED"),
        ({**AM, "portfolio_start": 0.0}, "PORTFOLIO_START", "more than 0"),
        ({**AE, "quota": -5.0}, "QUOTA", "more than 0"),
        ({**BASE, "calls": np.nan}, "CALLS", "required for Sales Development Reps"),
        ({**AE, "deals_worked": np.nan}, "DEALS_WORKED", "required for Account Executives"),
        ({**AM, "portfolio_end": np.nan}, "PORTFOLIO_END", "required for Account Managers"),
        ({**BASE, "name": pd.NA}, "NAME", "required"),
        ({**BASE, "period": pd.NA}, "PERIOD", "required"),
        ({**BASE, "rep_id": "x" * 65}, "REP_ID", "too long"),
    ],
)
def test_rule_rejects_row(row: dict[str, object], column: str, reason: str) -> None:
    """Each broken rule rejects its row with the file's column name and a reason that says why."""
    result = _run([BASE | {"rep_id": "OK"}, row])
    errors = result.report[result.report["severity"] == "error"]
    assert len(errors) == 1, errors
    assert errors.iloc[0]["row"] == 3
    assert errors.iloc[0]["column"] == column
    assert reason in errors.iloc[0]["reason"]
    assert list(result.rejected) == [1]


def test_parse_issue_reported_once() -> None:
    """A cell a parser could not read is reported with the parser's reason and not again by the schema."""
    row = {**BASE, "calls": np.nan}
    issue = CellIssue(pd.Series([False, True]), "not a number")
    result = _run([BASE | {"rep_id": "OK"}, row], {"calls": issue})
    assert result.report[["row", "column", "reason"]].values.tolist() == [[3, "CALLS", "not a number"]]


def test_duplicate_rep_and_month_names_both_rows() -> None:
    """The same rep_id and period twice rejects both rows, each naming the rows involved."""
    result = _run([BASE, {**BASE, "calls": 400.0}, AE])
    errors = result.report[result.report["severity"] == "error"]
    assert errors["row"].tolist() == [2, 3]
    assert all("rows 2, 3" in r for r in errors["reason"])
    assert sorted(result.rejected) == [0, 1]


def test_two_names_for_one_rep_is_a_warning() -> None:
    """One rep_id with two names is flagged as a warning; both rows are kept."""
    result = _run([BASE, {**BASE, "period": "2026-02", "name": "Lea Wolf-Berg"}])
    assert len(result.rejected) == 0
    warning = result.report[result.report["severity"] == "warning"]
    assert warning["column"].tolist() == ["NAME"]
    assert "2 different names" in warning.iloc[0]["reason"]


def test_other_roles_fields_blanked_with_warning() -> None:
    """A value in a field of another role is ignored with a warning, not stored and not silent."""
    result = _run([{**BASE, "deals_worked": 5.0}])
    assert len(result.rejected) == 0
    assert result.report["severity"].tolist() == ["warning"]
    assert "does not apply" in result.report.iloc[0]["reason"]
    assert pd.isna(result.cleaned.loc[0, "deals_worked"])


def test_report_sorted_by_row() -> None:
    """The report lists problems in the order of the file's rows."""
    rows = [{**BASE, "rep_id": f"E{i}", "calls": -1.0 if i % 2 else 5.0} for i in range(6)]
    result = _run(rows)
    assert result.report["row"].tolist() == sorted(result.report["row"].tolist())
    assert len(result.rejected) == 3
