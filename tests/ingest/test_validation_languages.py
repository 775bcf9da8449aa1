"""Validation reasons in German and Dutch: the same report, its reasons in the language core speaks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.i18n import speaking
from core.ingest.validation import CellIssue, Validation, validate
from core.schema import CANONICAL_COLUMNS
from tests.ingest.test_validation import AE, AM, BASE

MESSY = [
    {**BASE, "calls": -5.0},  # row 2: negative count
    {**BASE, "rep_id": "E4", "qualified_leads": 30.0},  # row 3: more qualified than sent
    {**AE, "deals_won": np.nan},  # row 4: required for AEs
    {**AM, "period": "Jan 26", "deals_worked": 4.0},  # row 5: not a month, another role's field
    {**BASE, "rep_id": "E5", "role": "CEO", "calls": 2.5},  # row 6: unknown role, not whole
    {**AE, "rep_id": "E6", "name": "x" * 201},  # row 7: too long
    {**AE, "rep_id": "E7", "quota": 0.0},  # row 8: not above 0
    {**BASE, "rep_id": "E8"},  # rows 9 and 10: the same person and month twice
    {**BASE, "rep_id": "E8", "calls": 10.0},
    {**BASE, "rep_id": "E9", "period": "2026-02", "name": "Lea W."},  # row 11 and 12: two names
    {**BASE, "rep_id": "E9", "period": "2026-03"},
    {**BASE, "rep_id": "E10", "calls": np.nan},  # row 13: a cell the parser could not read
]


def _messy() -> Validation:
    frame = pd.DataFrame(MESSY, columns=list(CANONICAL_COLUMNS))
    for c in ("rep_id", "name", "role", "team", "region", "manager", "period", "coach_willing"):
        frame[c] = frame[c].astype(object).where(frame[c].notna(), pd.NA)
    frame.loc[frame["role"] == "CEO", "role"] = pd.NA
    raw = frame.astype(str)
    raw.loc[4, "role"] = "CEO"
    numbers = pd.Series(range(2, 2 + len(frame)), index=frame.index)
    headers = {c: c.upper() for c in CANONICAL_COLUMNS}
    unread = CellIssue(pd.Series(frame["rep_id"] == "E10"), "not a number")
    return validate(frame, raw=raw, row_numbers=numbers, headers=headers, parse_issues={"calls": unread})


ENGLISH = [
    (2, "CALLS", "must be 0 or more"),
    (3, "QUALIFIED_LEADS", "more than LEADS_SENT (20.0)"),
    (4, "DEALS_WON", "required for Account Executives, but blank"),
    (5, "PERIOD", "not a month"),
    (5, "DEALS_WORKED", "does not apply to Account Managers; ignored"),
    (6, "CALLS", "must be a whole number (a count)"),
    (6, "ROLE", "required, but blank"),
    (7, "NAME", "too long (at most 200 characters)"),
    (8, "QUOTA", "must be more than 0"),
    (9, "REP_ID", "rep_id and period repeated in rows 9, 10"),
    (10, "REP_ID", "rep_id and period repeated in rows 9, 10"),
    (12, "NAME", "rep_id E9 has 2 different names in this file (Lea W., Lea Wolf); the latest month's is used"),
    (13, "CALLS", "not a number"),
]


def _lines(result: Validation) -> list[tuple[int, str, str]]:
    return [(int(r), str(c), str(why)) for r, c, why in result.report[["row", "column", "reason"]].to_numpy()]


def test_english_reasons_are_unchanged() -> None:
    """Without a language chosen, every reason reads exactly as before the translation."""
    assert sorted(_lines(_messy())) == sorted(ENGLISH)


def test_german_reasons_on_a_messy_table() -> None:
    """In German the same rows, columns, values and severities are reported, each reason in German."""
    english = _messy()
    with speaking("de"):
        german = _messy()
    assert german.report.drop(columns=["reason", "value"]).equals(english.report.drop(columns=["reason", "value"]))
    # Values are the file's cells; only a long one's length is said in the reader's words.
    values = list(zip(english.report["value"], german.report["value"], strict=True))
    assert all(
        str(e) == str(g) or (str(e).endswith("(201 characters)") and str(g).endswith("(201 Zeichen)"))
        for e, g in values
    )
    assert german.rejected.equals(english.rejected)
    reasons = dict(((r, c), why) for r, c, why in _lines(german))
    assert reasons[(2, "CALLS")] == "muss 0 oder mehr sein"
    assert reasons[(3, "QUALIFIED_LEADS")] == "mehr als LEADS_SENT (20.0)"
    assert reasons[(4, "DEALS_WON")] == "für Neukundenverkäufer erforderlich, aber leer"
    assert reasons[(5, "PERIOD")] == "kein Monat"
    assert reasons[(5, "DEALS_WORKED")] == "gilt nicht für Kundenbetreuer; ignoriert"
    assert reasons[(6, "ROLE")] == "erforderlich, aber leer"
    assert reasons[(7, "NAME")] == "zu lang (höchstens 200 Zeichen)"
    assert reasons[(9, "REP_ID")] == "rep_id und period wiederholt in den Zeilen 9, 10"
    assert reasons[(12, "NAME")].startswith("rep_id E9 hat 2 verschiedene Namen in dieser Datei (Lea W., Lea Wolf)")


def test_dutch_reasons() -> None:
    """In Dutch the reasons use the glossary's words (rij, leeg, rol)."""
    with speaking("nl"):
        reasons = {(r, c): why for r, c, why in _lines(_messy())}
    assert reasons[(2, "CALLS")] == "moet 0 of meer zijn"
    assert reasons[(10, "REP_ID")] == "rep_id en period herhaald in de rijen 9, 10"
    assert reasons[(6, "CALLS")] == "moet een geheel getal zijn (een aantal)"
