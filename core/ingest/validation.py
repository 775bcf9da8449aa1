"""Row-level validation of a parsed team table, with pandera, into a report a person can act on.

Every problem is one line: the row as the spreadsheet numbers it, the column as the file
names it, the value as the file holds it (cut after 60 characters, with its length), and the
reason. Errors reject their row; warnings keep it. Invalid rows are never silently coerced.

The reasons are written in the language core speaks (:func:`core.i18n.current`); the report's column
names and the ``error``/``warning`` severities are codes and stay English. Each reason's template is
translated once per call and put into the rows vectorised, never per cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from core.i18n import N_, _, ngettext
from core.schema import COUNT_COLUMNS, ROLE_FIELDS, ROLES
from core.text import LONG_VALUE, shorten

REPORT_COLUMNS = ["row", "column", "value", "reason", "severity"]
ERROR = "error"
WARNING = "warning"

# Fields each role's metrics cannot do without (PRODUCT.md); quota and revenue are optional for AEs:
# close rate needs only deals, quota attainment is computed "where given".
REQUIRED_FOR_ROLE: dict[str, tuple[str, ...]] = {
    "SDR": ("calls", "leads_sent", "qualified_leads"),
    "AE": ("deals_worked", "deals_won"),
    "AM": ("portfolio_start", "portfolio_end"),
}
TEXT_LIMITS = {"rep_id": 64, "name": 200, "team": 120, "region": 120, "manager": 200}

# Whole sentences per role (not "for {role}s"): German and Dutch plurals are not the English name plus "s".
_NOT_FOR_ROLE: dict[str, str] = {
    "SDR": N_("does not apply to Sales Development Reps; ignored"),
    "AE": N_("does not apply to Account Executives; ignored"),
    "AM": N_("does not apply to Account Managers; ignored"),
}
_REQUIRED_FOR_ROLE: dict[str, str] = {
    "SDR": N_("required for Sales Development Reps, but blank"),
    "AE": N_("required for Account Executives, but blank"),
    "AM": N_("required for Account Managers, but blank"),
}


def _shown(values: pd.Series) -> pd.Series:
    """Cells as text for the report, long ones cut (a 10,000-character name is not repeated in full)."""
    text = values.astype(str)
    long = text.str.len() > LONG_VALUE
    if long.any():
        text = text.where(~long, text[long].map(shorten))
    return text


@dataclass(frozen=True)
class CellIssue:
    """Cells a parser could not read: a mask over the rows and the reason to show."""

    invalid: pd.Series
    reason: str


def _whole(series: pd.Series) -> pd.Series:
    return pd.Series(series.isna() | (np.floor(series) == series), index=series.index)


def _pair_check(small: str, large: str) -> pa.Check:
    return pa.Check(
        lambda df: df[small].isna() | df[large].isna() | (df[small] <= df[large]),
        name=f"pair:{small}:{large}",
    )


def _required_check(role: str, field: str) -> pa.Check:
    return pa.Check(lambda df: (df["role"] != role) | df[field].notna(), name=f"required:{role}:{field}")


def build_schema() -> pa.DataFrameSchema:
    """Return the pandera schema of a parsed canonical table (types, ranges, cross-field rules)."""
    columns: dict[str, pa.Column] = {
        "rep_id": pa.Column(object, pa.Check.str_length(1, TEXT_LIMITS["rep_id"]), nullable=False),
        "name": pa.Column(object, pa.Check.str_length(1, TEXT_LIMITS["name"]), nullable=False),
        "role": pa.Column(object, pa.Check.isin(list(ROLES)), nullable=False),
        "period": pa.Column(object, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$"), nullable=False),
    }
    for field in ("team", "region", "manager"):
        columns[field] = pa.Column(object, pa.Check.str_length(0, TEXT_LIMITS[field]), nullable=True)
    for field in COUNT_COLUMNS:
        columns[field] = pa.Column(
            float,
            [pa.Check.ge(0), pa.Check(_whole, name="whole")],
            nullable=True,
        )
    columns["revenue_won"] = pa.Column(float, pa.Check.ge(0), nullable=True)
    for field in ("quota", "portfolio_start", "portfolio_end"):
        columns[field] = pa.Column(float, pa.Check.gt(0), nullable=True)
    checks = [_pair_check("qualified_leads", "leads_sent"), _pair_check("deals_won", "deals_worked")]
    checks += [_required_check(role, field) for role, fields in REQUIRED_FOR_ROLE.items() for field in fields]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


_SCHEMA = build_schema()

_COLUMN_REASONS = {
    "not_nullable": N_("required, but blank"),
    "greater_than_or_equal_to": N_("must be 0 or more"),
    "greater_than": N_("must be more than 0"),
    "whole": N_("must be a whole number (a count)"),
    "isin": N_("not a known role (SDR, AE or AM)"),
    "str_matches": N_("not a month"),
}


def _reason(check: str, column: str) -> str:
    if check.startswith("str_length"):
        limit = TEXT_LIMITS.get(column, 0)
        return ngettext("too long (at most {n} character)", "too long (at most {n} characters)", limit).format(n=limit)
    for key, text in _COLUMN_REASONS.items():
        if check.startswith(key):
            return _(text)
    return _("failed check {check}").format(check=check)


def _around(sentence: str, per_row: str, **fixed: str) -> tuple[str, str]:
    """The translated ``sentence`` before and after its ``{per_row}`` placeholder, the others filled in.

    A reason that quotes a value per row is built as ``before + series + after``: one translation per
    call, vectorised over the rows, and the translator still places the value where the language wants it.
    """
    before, after = sentence.format(**fixed, **{per_row: "\0"}).split("\0", 1)
    return before, after


def _conflict(column: str, rep: str, values: list[str]) -> str:
    """The warning for one rep_id with several names (or roles) in the file."""
    n, listed = len(values), ", ".join(values)
    if column == "name":
        text = ngettext(
            "rep_id {rep} has {n} different name in this file ({values}); the latest month's is used",
            "rep_id {rep} has {n} different names in this file ({values}); the latest month's is used",
            n,
        )
    else:
        text = ngettext(
            "rep_id {rep} has {n} different role in this file ({values}); the latest month's is used",
            "rep_id {rep} has {n} different roles in this file ({values}); the latest month's is used",
            n,
        )
    return text.format(rep=rep, n=n, values=listed)


@dataclass(frozen=True)
class Validation:
    """Outcome of validating a table: the report and which rows are rejected."""

    report: pd.DataFrame  # REPORT_COLUMNS, sorted by row
    rejected: pd.Index  # index labels of rejected rows
    cleaned: pd.DataFrame  # the frame with warnings applied (non-role fields blanked); all rows


def validate(
    frame: pd.DataFrame,
    *,
    raw: pd.DataFrame,
    row_numbers: pd.Series,
    headers: Mapping[str, str],
    parse_issues: Mapping[str, CellIssue] | None = None,
    cell_warnings: Mapping[str, pd.Series] | None = None,
) -> Validation:
    """Validate a parsed canonical table and build the problem report.

    Args:
        frame: Canonical columns, parsed: text as object (NA for blank), counts and money as
            float, ``period`` as ``YYYY-MM``, ``role`` as SDR/AE/AM (NA when unknown or blank).
        raw: The cells as the file holds them, same index, columns named as ``frame``'s.
        row_numbers: Spreadsheet row number of each row, same index.
        headers: Canonical field -> the file's header for it (for the report's column names).
        parse_issues: Per field, cells that could not be parsed and why; those rows are rejected.
        cell_warnings: Per field, a reason for each cell that was changed on the way in (e.g.
            control characters removed), indexed by the changed rows only; those rows are kept.

    Returns:
        The report, the rejected rows, and a cleaned frame (values in fields that do not
        apply to a row's role blanked, with a warning).
    """
    problems: list[pd.DataFrame] = []
    issued = pd.DataFrame(False, index=frame.index, columns=frame.columns)

    def add(mask: pd.Series, column: str, reason: str | pd.Series, severity: str = ERROR) -> None:
        if not mask.any():
            return
        rows = mask[mask].index
        problems.append(
            pd.DataFrame(
                {
                    "row": row_numbers.loc[rows].to_numpy(),
                    "column": headers.get(column, column),
                    "value": _shown(raw[column].loc[rows]).to_numpy() if column in raw else "",
                    "reason": reason.loc[rows].to_numpy() if isinstance(reason, pd.Series) else reason,
                    "severity": severity,
                    "_label": rows,
                }
            )
        )
        if severity == ERROR and column in issued.columns:
            issued.loc[rows, column] = True

    for column, issue in (parse_issues or {}).items():
        add(issue.invalid.reindex(frame.index, fill_value=False), column, issue.reason)
    for column, reasons in (cell_warnings or {}).items():
        changed = pd.Series(frame.index.isin(reasons.index), index=frame.index)
        add(changed, column, reasons.reindex(frame.index), WARNING)

    cleaned = frame.copy()
    # A value in a field that belongs to another role is blanked, with a warning (never silently).
    for role in ROLES:
        others = [c for r, fields in ROLE_FIELDS.items() if r != role for c in fields]
        for column in others:
            stray = (cleaned["role"] == role).fillna(False) & cleaned[column].notna() & ~issued[column]
            if stray.any():
                add(stray, column, _(_NOT_FOR_ROLE[role]), WARNING)
                cleaned.loc[stray, column] = np.nan

    try:
        _SCHEMA.validate(cleaned, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases[cases["index"].notna()]
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            labels = pd.Index(group["index"].unique())
            mask = pd.Series(frame.index.isin(labels), index=frame.index)
            check_name = str(check)
            if check_name.startswith("pair:"):
                small, large = check_name.split(":")[1:]
                before, after = _around(_("more than {column} ({value})"), "value", column=headers.get(large, large))
                reason = before + _shown(raw[large]) + after
                add(mask & ~issued[small] & ~issued[large], small, reason)
            elif check_name.startswith("required:"):
                role, field = check_name.split(":")[1:]
                add(mask & ~issued[field], field, _(_REQUIRED_FOR_ROLE[role]))
            else:
                col = str(column)
                add(mask & ~issued[col], col, _reason(check_name, col))

    # The same person twice in one month: both rows are rejected, each naming the other.
    key = cleaned[["rep_id", "period"]]
    dup = key.duplicated(keep=False) & key.notna().all(axis=1)
    if dup.any():
        numbers = row_numbers[dup].astype(str)
        joined = numbers.groupby([key.loc[dup, "rep_id"], key.loc[dup, "period"]]).transform(
            lambda s: ", ".join(s.tolist())
        )
        before, after = _around(_("rep_id and period repeated in rows {rows}"), "rows")
        reason = before + joined + after
        add(dup, "rep_id", reason.reindex(frame.index))

    # One rep_id with two names or roles is flagged, not rejected: people get promoted.
    for column in ("name", "role"):
        valid = cleaned[["rep_id", column]].dropna()
        counts = valid.groupby("rep_id")[column].nunique()
        conflicted = counts[counts > 1].index
        if len(conflicted):
            first = valid[valid["rep_id"].isin(conflicted)].groupby("rep_id").tail(1).index
            variants = valid[valid["rep_id"].isin(conflicted)].groupby("rep_id")[column].unique()
            # Few rows (one per person with two names or roles), so one sentence each is fine.
            reason = pd.Series(
                [_conflict(column, rep, [shorten(v) for v in variants[rep]]) for rep in valid.loc[first, "rep_id"]],
                index=first,
            )
            add(pd.Series(frame.index.isin(first), index=frame.index), column, reason.reindex(frame.index), WARNING)

    if problems:
        report = pd.concat(problems, ignore_index=True)
        report = report.sort_values(["row", "severity", "column"], kind="stable").reset_index(drop=True)
        rejected = pd.Index(report.loc[report["severity"] == ERROR, "_label"].unique())
        report = report[REPORT_COLUMNS]
    else:
        report = pd.DataFrame({c: pd.Series(dtype="object") for c in REPORT_COLUMNS})
        rejected = pd.Index([])
    return Validation(report=report, rejected=rejected, cleaned=cleaned)
