"""Presentation aliases: stable, keyed, unlinkable without the key, and applied to every name column."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from core.governance.alias import alias, alias_frame, alias_map, alias_upload_views, replace_names

KEY = b"test-key"


def test_alias_is_stable_and_keyed() -> None:
    """The same name gives the same alias under one key, another under another key; case and spaces don't matter."""
    assert alias("Łukasz Wróbel", KEY) == alias(" łukasz  WRÓBEL ", KEY)
    assert alias("Łukasz Wróbel", KEY) != alias("Łukasz Wróbel", b"other")
    assert alias("", KEY) == ""
    first, last = alias("Zoë Brouwer", KEY).split(" ")
    assert first.isalpha() and last.isalpha() and first[0].isupper()


@given(st.lists(st.text(min_size=1, max_size=30).filter(str.strip), min_size=1, max_size=60, unique=True))
def test_alias_map_never_shows_a_name_and_keeps_distinct_people_distinct(names: list[str]) -> None:
    """Distinct names (after folding case and spacing) get distinct aliases, and no alias is its name."""
    mapping = alias_map(names, KEY)
    folded = {" ".join(n.split()).casefold() for n in names}
    assert len(set(mapping.values())) == len(folded)


def test_alias_frame_replaces_every_name_column() -> None:
    """Names in name, manager and coach columns become aliases; other columns stay as they were."""
    frame = pd.DataFrame({"name": ["Anna Berg", "Jörg Wolf"], "manager": ["Jörg Wolf", None], "team": ["A", "B"]})
    out = alias_frame(frame, KEY)
    assert out["team"].tolist() == ["A", "B"]
    assert out.loc[1, "name"] == out.loc[0, "manager"] == alias("Jörg Wolf", KEY)
    assert pd.isna(out.loc[1, "manager"])
    assert "Anna Berg" not in out.to_string()


def test_replace_names_prefers_the_longest_name() -> None:
    """Free text mentioning a full name is rewritten without leaving a part of the real name behind."""
    mapping = {"Anna": "Bavo", "Anna Berg": "Kilo Runes"}
    assert replace_names("Talked with Anna Berg today", mapping) == "Talked with Kilo Runes today"


def test_upload_views_hide_names_in_preview_report_and_notes() -> None:
    """An uploaded file's preview, report values, reasons and notes show aliases only."""
    preview = pd.DataFrame({"Mitarbeiter": ["Anna Berg"], "Chef": ["Jörg Wolf"], "Anrufe": ["12"]})
    report = pd.DataFrame(
        {
            "row": [2, 3],
            "column": ["Mitarbeiter", "Anrufe"],
            "value": ["Anna Berg", "x"],
            "reason": ["E1 is called Anna Berg and Anna B.", "not a number"],
            "severity": ["warning", "error"],
        }
    )
    shown_preview, shown_report, notes = alias_upload_views(
        preview, report, ["Jörg Wolf manages 2 teams"], ["Mitarbeiter", "Chef"], KEY
    )
    text = shown_preview.to_string() + shown_report.to_string() + " ".join(notes)
    assert "Anna Berg" not in text and "Jörg Wolf" not in text
    assert shown_preview.loc[0, "Anrufe"] == "12" and shown_report.loc[1, "value"] == "x"
