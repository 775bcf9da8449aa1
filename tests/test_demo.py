"""The demo generator: canonical shape, realism, determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.demo as demo
from core.demo import DemoSpec, generate_team, write_team
from core.schema import CANONICAL_COLUMNS, OPTIONAL_COLUMNS, ROLE_FIELDS, ROLES


def test_columns_are_canonical(small_team: pd.DataFrame) -> None:
    """The generator emits exactly the template's columns in the template's order."""
    assert list(small_team.columns) == list(CANONICAL_COLUMNS)


def test_same_seed_same_team() -> None:
    """Same spec gives identical tables; another seed gives another team."""
    spec = DemoSpec(reps=60, months=8, seed=5, end="2026-03")
    pd.testing.assert_frame_equal(generate_team(spec), generate_team(spec))
    other = generate_team(DemoSpec(reps=60, months=8, seed=6, end="2026-03"))
    assert not generate_team(spec)["name"].equals(other["name"])


def test_one_row_per_person_and_month(small_team: pd.DataFrame) -> None:
    """(rep_id, period) is unique and every period is a YYYY-MM month inside the window."""
    assert not small_team.duplicated(["rep_id", "period"]).any()
    assert small_team["period"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all()
    assert small_team["period"].max() == "2026-06"
    assert small_team["period"].min() >= "2026-01"


def test_each_person_has_one_identity(small_team: pd.DataFrame) -> None:
    """A rep keeps one name, role, team, region, manager and willingness across months."""
    per_rep = small_team.groupby("rep_id")[["name", "role", "team", "region", "manager"]].nunique()
    assert (per_rep == 1).all().all()


@pytest.mark.parametrize("role", ROLES)
def test_role_fields_filled_only_for_their_role(small_team: pd.DataFrame, role: str) -> None:
    """A role's own fields are present and the other roles' fields are blank."""
    rows = small_team[small_team["role"] == role]
    own = list(ROLE_FIELDS[role])
    others = [c for r, cols in ROLE_FIELDS.items() if r != role for c in cols]
    assert rows[own].notna().all().all()
    assert rows[others].isna().all().all()


def test_counts_are_consistent(small_team: pd.DataFrame) -> None:
    """Counts are whole, non-negative, and subsets never exceed their totals."""
    sdr = small_team[small_team["role"] == "SDR"]
    ae = small_team[small_team["role"] == "AE"]
    am = small_team[small_team["role"] == "AM"]
    assert (sdr["qualified_leads"] <= sdr["leads_sent"]).all()
    assert (sdr["leads_sent"] <= sdr["calls"]).all()
    assert (ae["deals_won"] <= ae["deals_worked"]).all()
    assert (ae[["deals_worked", "deals_won", "revenue_won"]] >= 0).all().all()
    assert (am[["portfolio_start", "portfolio_end"]] > 0).all().all()


def test_am_portfolio_months_chain() -> None:
    """An AM's portfolio at the start of a month is the previous month's end value."""
    team = generate_team(DemoSpec(reps=80, months=6, seed=2, end="2026-06"))
    am = team[team["role"] == "AM"].sort_values(["rep_id", "period"])
    prev_end = am.groupby("rep_id")["portfolio_end"].shift()
    mask = prev_end.notna()
    np.testing.assert_allclose(am.loc[mask, "portfolio_start"], prev_end[mask], rtol=1e-6)


def test_realistic_mix() -> None:
    """Every role present in plausible shares, 3+ teams with managers and regions, some unwilling."""
    team = generate_team(DemoSpec(reps=300, months=3, seed=1, end="2026-03"))
    people = team.drop_duplicates("rep_id")
    shares = people["role"].value_counts(normalize=True)
    assert 0.3 < shares["SDR"] < 0.5 and 0.3 < shares["AE"] < 0.45 and 0.15 < shares["AM"] < 0.3
    assert people["team"].nunique() >= 3
    assert people.groupby("team")["manager"].nunique().eq(1).all()
    assert people["region"].nunique() >= 3
    assert (people["coach_willing"] == "no").sum() > 0
    assert people["coach_willing"].isna().sum() > 0


def test_names_carry_diacritics() -> None:
    """Names come from several languages, with letters like ä ö ü ß ø ł ð é ç."""
    names = " ".join(generate_team(DemoSpec(reps=400, months=1, seed=3, end="2026-01"))["name"].unique())
    assert sum(ch in names for ch in "äöüßøłðéç") >= 7


def test_skill_drives_metrics() -> None:
    """One latent skill drives a person's metrics: close rates are persistent month to month."""
    team = generate_team(DemoSpec(reps=600, months=12, seed=4, end="2026-12"))
    ae = team[team["role"] == "AE"].copy()
    ae["first"] = ae["period"] <= "2026-06"
    rates = ae.groupby(["rep_id", "first"])[["deals_won", "deals_worked"]].sum()
    rate = (rates["deals_won"] / rates["deals_worked"]).unstack()
    assert rate[True].corr(rate[False]) > 0.4


def test_large_team_is_generated() -> None:
    """20,000 reps × 24 months comes out whole (the benchmark measures the time)."""
    team = generate_team(DemoSpec(reps=20_000, months=24, seed=9, end="2026-10"))
    assert team["rep_id"].nunique() == 20_000
    assert len(team) > 0.9 * 20_000 * 24


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_by_extension(tmp_path: Path, small_team: pd.DataFrame, suffix: str) -> None:
    """The file type follows the extension and reads back with the same rows."""
    path = tmp_path / f"team{suffix}"
    write_team(small_team, str(path))
    back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
    assert list(back.columns) == list(CANONICAL_COLUMNS)
    assert len(back) == len(small_team)
    assert set(back["name"]) == set(small_team["name"])


def test_write_refuses_unknown_extension(tmp_path: Path, small_team: pd.DataFrame) -> None:
    """Another extension is refused with a sentence naming the supported ones."""
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        write_team(small_team, str(tmp_path / "team.json"))


@pytest.mark.parametrize("spec", [DemoSpec(reps=0), DemoSpec(months=0)])
def test_empty_spec_refused(spec: DemoSpec) -> None:
    """Zero reps or months is a clear error, not an empty table."""
    with pytest.raises(ValueError, match="at least 1"):
        generate_team(spec)


def test_default_output_is_unchanged_by_the_programme_fields() -> None:
    """With the programme off the generator is byte-identical to before the programme existed."""
    import hashlib

    team = generate_team(DemoSpec(reps=120, months=12, seed=7, end="2026-10"))
    assert team[list(OPTIONAL_COLUMNS)].isna().all().all()  # the optional fields (coach, language) are blank
    data = team.drop(columns=list(OPTIONAL_COLUMNS)).to_csv(index=False).encode()
    assert hashlib.sha256(data).hexdigest() == "2884ca0c83108955325ae5998dfa468c67a0366f53734241aca802e83307433c"


def test_programme_changes_only_coached_months_from_the_start() -> None:
    """A programme leaves every row before the start and every uncoached row as without it, and lifts coachees."""
    from core.demo import generate_programme

    base = DemoSpec(reps=300, months=9, seed=4, end="2026-09")
    off = generate_team(base)
    on, pairs = generate_programme(
        DemoSpec(reps=300, months=9, seed=4, end="2026-09", programme_start="2026-06", programme_effect=1.0)
    )
    assert len(pairs) > 20 and set(pairs["start"]) == {"2026-06"}
    changed = on["rep_id"].isin(pairs["coachee_id"]) & (on["period"] >= "2026-06")
    pd.testing.assert_frame_equal(off[~changed], on[~changed])
    sdr = changed & (on["role"] == "SDR")
    assert on.loc[sdr, "qualified_leads"].sum() > 1.1 * off.loc[sdr, "qualified_leads"].sum()
    coachees = on.drop_duplicates("rep_id").set_index("rep_id").loc[pairs["coachee_id"]]
    coaches = on.drop_duplicates("rep_id").set_index("rep_id").loc[pairs["coach_id"]]
    assert set(coachees["role"]) == {"SDR", "AE"}
    assert (coaches["role"].to_numpy() == coachees["role"].map({"SDR": "AE", "AE": "AM"}).to_numpy()).all()


def test_programme_start_outside_window_refused() -> None:
    """A start month outside the generated months is a clear error."""
    with pytest.raises(ValueError, match="outside the demo window"):
        generate_team(DemoSpec(reps=20, months=3, seed=1, end="2026-03", programme_start="2025-01"))


def test_app_demo_has_a_started_pilot() -> None:
    """The app's demo team carries started pairs from the chains matched before the start, in half the teams."""
    from core.demo import demo_with_programme

    team, pairs = demo_with_programme(DemoSpec(reps=120, months=12, seed=7, end="2026-10"))
    assert len(pairs) >= 10 and pairs["start"].nunique() == 1
    before = team[team["period"] < pairs["start"].iloc[0]]
    pd.testing.assert_frame_equal(
        before,
        generate_team(DemoSpec(reps=120, months=12, seed=7, end="2026-10"))[team["period"] < pairs["start"].iloc[0]],
    )
    pilot_teams = team.set_index("rep_id").loc[pairs["coachee_id"], "team"].unique()
    assert len(pilot_teams) < team["team"].nunique()


def test_named_pairs_become_positions_and_a_stranger_is_refused() -> None:
    """Programme pairs given by rep_id map to positions in the team; a rep_id not in it is one sentence."""
    rep_ids = np.array(["E10001", "E10002", "E10003"], dtype=object)
    assert demo._named_pairs((("E10003", "E10001"),), rep_ids) == [(2, 0)]
    with pytest.raises(ValueError, match="E99999, who is not in this demo team"):
        demo._named_pairs((("E10001", "E99999"),), rep_ids)


def test_programme_frame_lists_pairs_with_their_start() -> None:
    """The pairs come out as rep_ids with the start month; no pairs give an empty frame with the same columns."""
    rep_ids = np.array(["E10001", "E10002"], dtype=object)
    frame = demo._programme_frame([(1, 0)], rep_ids, "2026-06")
    assert frame.to_dict("records") == [{"coach_id": "E10002", "coachee_id": "E10001", "start": "2026-06"}]
    assert list(demo._programme_frame([], rep_ids, None).columns) == ["coach_id", "coachee_id", "start"]


def test_am_portfolios_chain_each_month_to_the_last() -> None:
    """Each AM month starts where the previous one ended; non-AM rows stay empty."""
    person = np.array([0, 0, 0, 1, 1], dtype=np.int64)
    am = np.array([True, True, True, False, False])
    out = {c: np.full(5, np.nan) for c in ("portfolio_start", "portfolio_end")}
    demo._am_portfolios(np.random.default_rng(3), out, am, np.zeros(5), person, 2)
    assert out["portfolio_start"][1:3] == pytest.approx(out["portfolio_end"][0:2], abs=0.01)
    assert np.isnan(out["portfolio_start"][3:]).all() and np.isnan(out["portfolio_end"][3:]).all()
