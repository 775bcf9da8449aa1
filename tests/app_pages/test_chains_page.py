"""The Coaching chains page in AppTest: pairs with reasons, levels, invitations, credit, and locks kept on re-match."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.coaching.chains import match_chains
from core.coaching.edits import edits_in_force, started_pairs
from core.i18n.formats import format_month
from core.scoring.segmentation import SegmentSettings, segment
from core.store.datasets import list_datasets, load_records
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    open_page(at, "chains").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _pairs(at: AppTest):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if "coach_name" in df.value.columns)


def test_pairs_have_reasons(app_env: Path) -> None:
    """The demo team gets AE → SDR and AM → AE pairs, each with a readable reason."""
    at = _page()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["AE → SDR pairs"]) > 0 and int(metrics["AM → AE pairs"]) > 0
    at.selectbox(key="ch_team").set_value("All teams").run()
    pairs = _pairs(at)
    assert pairs["reason"].str.contains("focus:").all()


def test_locked_pair_survives_rematch(app_env: Path) -> None:
    """A pair locked by a manager stays when capacity changes force a new matching."""
    at = _page()
    # The demo's coaching pilot has started (and so locked) pairs; lock one that is not locked yet.
    at.selectbox(key="ch_team").set_value("All teams").run()
    before = _pairs(at)
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    records = load_records(engine=engine, dataset_id=dataset_id)
    constraints = edits_in_force(engine=engine, dataset_id=dataset_id).constraints
    matched = match_chains(segment(records, SegmentSettings(replicates=0)), constraints=constraints).pairs
    unlocked = matched[~matched["locked"]].iloc[0]
    pair = f"{unlocked['coach_id']}|{unlocked['coachee_id']}"
    at.selectbox(key="ch_lock_pair").set_value(pair)
    coach_id, coachee_id = pair.split("|")
    at.radio(key="ch_lock_action").set_value("lock")
    at.button(key="ch_lock_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="ch_cap_AE").set_value(1).run()
    at.number_input(key="ch_cap_AM").set_value(1).run()
    at.selectbox(key="ch_team").set_value("All teams").run()
    assert not at.exception, [e.value for e in at.exception]
    pairs = _pairs(at)
    assert coach_id and coachee_id
    locked = pairs[pairs["locked"]]
    assert len(locked) == int(before["locked"].sum()) + 1
    assert unlocked["coachee_name"] in locked["coachee_name"].tolist()
    assert locked["reason"].str.contains("locked by manager").all()
    history = next(df.value for df in at.dataframe if "kind" in df.value.columns)
    assert "lock" in history["kind"].tolist()


def test_swap_offers_only_the_role_above_and_is_kept(app_env: Path) -> None:
    """Swapping an SDR's coach offers AEs only; the new pair is locked and kept after a re-match."""
    at = _page()
    engine = make_engine(f"sqlite:///{app_env}")
    records = load_records(engine=engine, dataset_id=list_datasets(engine=engine)[0].id)
    result = match_chains(segment(records, SegmentSettings(replicates=0)))
    pair = result.pairs[result.pairs["level"] == "ae-sdr"].iloc[0]
    other = result.load[(result.load["role"] == "AE") & (result.load["coach_id"] != pair["coach_id"])].iloc[0]
    at.selectbox(key="ch_swap_coachee").set_value(pair["coachee_id"]).run()
    offered = at.selectbox(key="ch_swap_coach").options
    assert offered and all(label.endswith("· AE") for label in offered)
    at.selectbox(key="ch_swap_coach").set_value(other["coach_id"]).run()
    at.button(key="ch_swap_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="ch_cap_AE").set_value(2).run()
    at.selectbox(key="ch_team").set_value("All teams").run()
    pairs = _pairs(at)
    mine = pairs[pairs["coachee_name"] == pair["coachee_name"]]
    assert mine["coach_name"].tolist() == [other["name"]]
    assert mine["locked"].tolist() == [True]


def test_start_pairs_of_a_team_and_stop_one(app_env: Path) -> None:
    """A manager starts all shown pairs of a team in a month, sees them as started and locked, and stops one."""
    at = _page()
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    before = started_pairs(engine=engine, dataset_id=dataset_id)
    team_of = load_records(engine=engine, dataset_id=dataset_id).drop_duplicates("rep_id").set_index("rep_id")["team"]
    piloted = set(team_of[before["coachee_id"]])
    team = next(t for t in at.selectbox(key="ch_team").options[1:] if t not in piloted)  # no started pair yet
    at.selectbox(key="ch_team").set_value(team).run()
    shown = _pairs(at)
    picker = at.selectbox(key="ch_start_month")
    picker.select_index(len(picker.options) - 2)  # the latest month of data (the last option is the one after)
    month = str(load_records(engine=engine, dataset_id=dataset_id)["period"].max())
    assert picker.options[-2] == format_month(month, "en")  # shown by name ("Oct 2026"), stored as YYYY-MM
    at.selectbox(key="ch_start_scope").set_value("all")
    at.button(key="ch_start_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # Starting "all" again in another month leaves the started pairs' month alone.
    at.selectbox(key="ch_start_month").select_index(len(at.selectbox(key="ch_start_month").options) - 1)
    at.selectbox(key="ch_start_scope").set_value("all")
    at.button(key="ch_start_save").click().run()
    after = started_pairs(engine=engine, dataset_id=dataset_id)
    assert len(shown) > 0 and len(after) == len(before) + len(shown)
    new = after[~after["coachee_id"].isin(before["coachee_id"])]
    assert set(new["start"]) == {month}
    locked = set(edits_in_force(engine=engine, dataset_id=dataset_id).constraints.locked)
    assert locked >= set(zip(new["coach_id"], new["coachee_id"], strict=True))
    pair = f"{new['coach_id'].iloc[0]}|{new['coachee_id'].iloc[0]}"
    at.multiselect(key="ch_stop_pairs").set_value([pair]).run()
    at.button(key="ch_stop_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(started_pairs(engine=engine, dataset_id=dataset_id)) == len(after) - 1


def test_switch_levels_and_record_an_invitation_answer(app_env: Path) -> None:
    """Switching AE → AE on adds same-role pairs; a recorded yes makes invitations pairs, a no removes the coach."""
    at = _page()
    assert at.multiselect(key="ch_levels").value == ["ae-sdr", "am-ae", "am-am"]
    at.selectbox(key="ch_team").set_value("All teams").run()
    before = _pairs(at)
    assert "AE → AE" not in set(before["level"])
    at.number_input(key="ch_cap_AE").set_value(8)  # room left after the SDRs, shared with the AE → AE level
    at.multiselect(key="ch_levels").set_value(["ae-sdr", "am-ae", "ae-ae", "am-am"]).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="ch_team").set_value("All teams").run()
    switched = _pairs(at)
    assert "AE → AE" in set(switched["level"])
    assert {m.label for m in at.metric} >= {"AE → AE pairs", "Invitations (ask first)"}

    invitations = next(df.value for df in at.dataframe if "why_them" in df.value.columns)
    assert len(invitations) > 0
    coach_id = at.selectbox(key="ch_answer_coach").value  # the first coach to ask
    name = at.selectbox(key="ch_answer_coach").options[0].split(" · ")[0]
    asked = switched[(switched["coach_name"] == name) & (switched["status"] == "invitation")]
    assert len(asked) > 0, (coach_id, name)
    at.radio(key="ch_answer_value").set_value("yes")
    at.button(key="ch_answer_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="ch_team").set_value("All teams").run()
    after = _pairs(at)
    mine = after[after["coach_name"] == name]
    assert len(mine) > 0 and (mine["status"] == "pair").all()
    assert name not in set(next(df.value for df in at.dataframe if "why_them" in df.value.columns)["name"])

    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    answers = dict(edits_in_force(engine=engine, dataset_id=dataset_id).constraints.answers)
    assert answers == {coach_id: "yes"}
    at.selectbox(key="ch_answer_coach").set_value(coach_id)
    at.radio(key="ch_answer_value").set_value("no")
    at.button(key="ch_answer_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="ch_team").set_value("All teams").run()
    assert name not in set(_pairs(at)["coach_name"])


def test_coaching_credit_and_an_external_coach(app_env: Path) -> None:
    """The credit tab lists hours per coach; a named external coach replaces the manager fallback for a core AM."""
    at = _page()
    credit = next(df.value for df in at.dataframe if "hours_per_month" in df.value.columns)
    assert len(credit) > 0 and (credit["hours_per_month"] > 0).all()
    at.number_input(key="ch_cap_AM").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    am = at.selectbox(key="ch_ext_am").value
    at.text_input(key="ch_ext_name").set_value("Dr. Ines Hall")
    at.button(key="ch_ext_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    coached = next(df.value for df in at.dataframe if "coach" in df.value.columns and "why" in df.value.columns)
    assert "external coach: Dr. Ines Hall" in set(coached["coach"]), am
