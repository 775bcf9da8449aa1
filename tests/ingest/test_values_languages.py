"""The parsers' reasons in the language core speaks; the English constants stay the source."""

from __future__ import annotations

import pandas as pd

from core.i18n import speaking
from core.ingest.values import (
    NUMBER_REASON,
    parse_dates,
    parse_numbers,
    parse_periods,
    parse_yes_no,
    strip_control_characters,
)

CELLS = pd.Series(["12", "zwölf", "", "Jan 2026"])


def test_parser_reasons_in_german() -> None:
    """Each parser's reason is German inside `speaking("de")`, English outside."""
    assert parse_numbers(CELLS).reason == NUMBER_REASON == "not a number"
    with speaking("de"):
        assert parse_numbers(CELLS).reason == "keine Zahl"
        assert parse_periods(CELLS).reason.startswith("kein Monat (erwartet z. B. 2026-01")
        assert parse_yes_no(CELLS).reason == "weder ja noch nein"
        assert parse_dates(CELLS, day_first=True).reason.startswith("kein Datum")


def test_control_characters_named_in_dutch() -> None:
    """A cell cleaned of control characters is named with the characters removed, in Dutch."""
    with speaking("nl"):
        _, reasons = strip_control_characters(pd.Series(["Lea\x07 Wolf", "Jonas"]))
    assert reasons.tolist() == ["stuurtekens verwijderd: \\x07"]
