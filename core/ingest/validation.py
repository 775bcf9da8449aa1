"""Row-level validation of a parsed team table into a report a person can act on.

The rules are written once as a pandera schema (:func:`build_schema`), the reference. Checking half a
million rows through pandera costs seconds of per-check overhead, so :func:`failure_cases` evaluates
the same checks as vectorised expressions on whole columns and returns what pandera's lazy validation
returns; a test runs both on hostile and messy files and compares the reports.

Every problem is one line: the row as the spreadsheet numbers it, the column as the file
names it, the value as the file holds it (cut after 60 characters, with its length), and the
reason. Errors reject their row; warnings keep it. Invalid rows are never silently coerced.

The reasons are written in the language core speaks (:func:`core.i18n.current`); the report's column
names and the ``error``/``warning`` severities are codes and stay English. Each reason's template is
translated once per call and put into the rows vectorised, never per cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.i18n import N_, _, ngettext
from core.schema import COUNT_COLUMNS, ROLE_FIELDS, ROLES
from core.text import LONG_VALUE, shorten

if TYPE_CHECKING:
    import pandera.pandas as pa

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


PAIRS: tuple[tuple[str, str], ...] = (("qualified_leads", "leads_sent"), ("deals_won", "deals_worked"))
"""A count that cannot exceed another in the same row."""
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MONEY_AT_LEAST_ZERO = ("revenue_won",)
MONEY_ABOVE_ZERO = ("quota", "portfolio_start", "portfolio_end")


def _pair_check(small: str, large: str) -> pa.Check:
    import pandera.pandas as pa

    return pa.Check(
        lambda df: df[small].isna() | df[large].isna() | (df[small] <= df[large]),
        name=f"pair:{small}:{large}",
    )


def _required_check(role: str, field: str) -> pa.Check:
    import pandera.pandas as pa

    return pa.Check(lambda df: (df["role"] != role) | df[field].notna(), name=f"required:{role}:{field}")


def build_schema() -> pa.DataFrameSchema:
    """Return the pandera schema of a parsed canonical table (types, ranges, cross-field rules): the reference
    :func:`failure_cases` is checked against."""
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {
        "rep_id": pa.Column(object, pa.Check.str_length(1, TEXT_LIMITS["rep_id"]), nullable=False),
        "name": pa.Column(object, pa.Check.str_length(1, TEXT_LIMITS["name"]), nullable=False),
        "role": pa.Column(object, pa.Check.isin(list(ROLES)), nullable=False),
        "period": pa.Column(object, pa.Check.str_matches(PERIOD_PATTERN), nullable=False),
    }
    for field in ("team", "region", "manager"):
        columns[field] = pa.Column(object, pa.Check.str_length(0, TEXT_LIMITS[field]), nullable=True)
    for field in COUNT_COLUMNS:
        columns[field] = pa.Column(
            float,
            [pa.Check.ge(0), pa.Check(_whole, name="whole")],
            nullable=True,
        )
    for field in MONEY_AT_LEAST_ZERO:
        columns[field] = pa.Column(float, pa.Check.ge(0), nullable=True)
    for field in MONEY_ABOVE_ZERO:
        columns[field] = pa.Column(float, pa.Check.gt(0), nullable=True)
    checks = [_pair_check(small, large) for small, large in PAIRS]
    checks += [_required_check(role, field) for role, fields in REQUIRED_FOR_ROLE.items() for field in fields]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def pandera_failure_cases(frame: pd.DataFrame) -> pd.DataFrame:
    """The failures of :func:`build_schema` on ``frame`` through pandera itself (column, check, index)."""
    from pandera.errors import SchemaErrors

    try:
        build_schema().validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = pd.DataFrame(exc.failure_cases)
        return cases.loc[cases["index"].notna(), ["column", "check", "index"]].reset_index(drop=True)
    return pd.DataFrame({"column": [], "check": [], "index": []})


def failure_cases(frame: pd.DataFrame) -> pd.DataFrame:
    """The failures of :func:`build_schema` on ``frame`` (column, check, index), as pandera's lazy validation
    reports the ones tied to a row — computed as one vectorised expression per check on whole columns.

    Like pandera's checks, a blank cell passes every check of a nullable column and only fails
    ``not_nullable`` of a required one; a frame-wide rule passes a row that is blank everywhere.
    """
    parts: list[pd.DataFrame] = []
    missing = frame.isna()

    def fail(column: str | None, check: str, bad: pd.Series) -> None:
        labels = bad.index[bad.to_numpy(dtype=bool, na_value=True)]
        if len(labels):
            parts.append(pd.DataFrame({"column": column, "check": check, "index": labels}))

    def values(column: str, *, nullable: bool) -> pd.Series:
        if not nullable:
            fail(column, "not_nullable", missing[column])
        return frame[column][~missing[column]]

    def per_value(series: pd.Series, rule: Callable[[object], float | bool]) -> pd.Series:
        """``rule`` of every cell, worked out once per distinct value (a month column has 24, not 458,000)."""
        codes, uniques = pd.factorize(series.to_numpy(dtype=object))
        return pd.Series(np.asarray([rule(u) for u in uniques])[codes] if len(codes) else [], index=series.index)

    def length(value: object) -> float:  # pandera's str.len(): no length for what is not text
        return len(value) if isinstance(value, str) else np.nan

    def within(series: pd.Series, low: int, high: int) -> pd.Series:
        size = per_value(series, length)
        return (size >= low) & (size <= high)

    # pandera's order: the frame-wide rules first, then each column's (blank first), as the schema lists them.
    blank_row = missing.all(axis=1)
    for small, large in PAIRS:
        if small in frame and large in frame:
            ok = missing[small] | missing[large] | (frame[small] <= frame[large])
            fail(None, f"pair:{small}:{large}", ~(ok | blank_row))
    for role, fields in REQUIRED_FOR_ROLE.items():
        for field in fields:
            if field in frame:
                ok = (frame["role"] != role) | frame[field].notna()
                fail(None, f"required:{role}:{field}", ~(ok.fillna(True).astype(bool) | blank_row))
    for column, low in (("rep_id", 1), ("name", 1)):
        if column in frame:
            fail(
                column,
                f"str_length({low}, {TEXT_LIMITS[column]})",
                ~within(values(column, nullable=False), low, TEXT_LIMITS[column]),
            )
    if "role" in frame:
        fail("role", f"isin({list(ROLES)})", ~values("role", nullable=False).isin(list(ROLES)))
    if "period" in frame:
        month = re.compile(PERIOD_PATTERN)
        fail(
            "period",
            f"str_matches('{PERIOD_PATTERN}')",
            ~per_value(values("period", nullable=False), lambda v: isinstance(v, str) and bool(month.match(v))),
        )
    for column in ("team", "region", "manager"):
        if column in frame:
            fail(
                column,
                f"str_length(0, {TEXT_LIMITS[column]})",
                ~within(values(column, nullable=True), 0, TEXT_LIMITS[column]),
            )
    for column in COUNT_COLUMNS:
        if column in frame:
            number = values(column, nullable=True)
            fail(column, "greater_than_or_equal_to(0)", ~(number >= 0))
            fail(column, "whole", ~(np.floor(number) == number))
    for column in MONEY_AT_LEAST_ZERO:
        if column in frame:
            fail(column, "greater_than_or_equal_to(0)", ~(values(column, nullable=True) >= 0))
    for column in MONEY_ABOVE_ZERO:
        if column in frame:
            fail(column, "greater_than(0)", ~(values(column, nullable=True) > 0))
    if not parts:
        return pd.DataFrame({"column": [], "check": [], "index": []})
    return pd.concat(parts, ignore_index=True)


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
    reference: bool = False,
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
        reference: Check the rules through pandera itself (slow; the tests compare both ways).

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

    cases: Any = (pandera_failure_cases if reference else failure_cases)(cleaned)  # grouped by (column, check)
    if len(cases):
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
