"""A team manager's Coaching chains, Coaching plans and Overview: other teams only as far as their pairs need."""

from __future__ import annotations

from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest
from test_access_pages import _signed_in, team_engine  # noqa: F401  (team_engine is a fixture used by name)

from core.coaching.chains import match_chains
from core.coaching.edits import add_edit, edit_history, edits_in_force
from core.governance.access import Viewer, visible_rep_ids
from core.governance.audit import audit_log
from core.scoring.segmentation import SegmentSettings, segment
from core.store.datasets import load_people, load_records

from apptest import open_page


def _mine(engine: Any) -> frozenset[str]:
    """The rep_ids of mia, the manager of the demo's first person."""
    people = load_people(engine=engine, dataset_id=1)
    viewer = Viewer(username="mia", role="manager", source="oidc", manager_name=str(people["manager"].iloc[0]))
    return visible_rep_ids(people, viewer)


def _matched(engine: Any) -> Any:
    records = load_records(engine=engine, dataset_id=1)
    constraints = edits_in_force(engine=engine, dataset_id=1).constraints
    return match_chains(segment(records, SegmentSettings(replicates=0)), constraints=constraints)


def _chains_page() -> AppTest:
    at = _signed_in("mia@example.com")
    open_page(at, "chains").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_manager_sees_no_other_team_figures_or_suggestions(team_engine: Any) -> None:  # noqa: F811
    """Pairs with another team's coach carry no figures, suggestions name none of their people, the load is cut."""
    mine = _mine(team_engine)
    full = _matched(team_engine)
    people = load_people(engine=team_engine, dataset_id=1).set_index("rep_id")
    cross = full.pairs[full.pairs["coachee_id"].isin(mine) & ~full.pairs["coach_id"].isin(mine)]
    assert len(cross) and cross["reason"].str.contains("%").all()  # the demo has such pairs, with figures
    coach = next(c for c in full.load["coach_id"] if c in mine)
    add_edit(engine=team_engine, dataset_id=1, kind="capacity", rep_id=coach, value=3, changed_by="root", scope=None)
    at = _chains_page()
    at.selectbox(key="ch_team").set_value(people.loc[list(mine), "team"].mode().iloc[0]).run()
    pairs = _frame(at, "coach_name")
    shown_cross = pairs[pairs["coach_name"].isin(set(cross["coach_name"]))]
    assert len(shown_cross) == len(cross)
    assert not shown_cross["reason"].str.contains("%|top|close rate|upsell rate").any()
    assert shown_cross["reason"].str.contains("focus:").all()
    pair_people = set(cross["coach_id"]) | mine
    others = [str(people.at[r, "name"]) for r in people.index if r not in pair_people]
    tips = " ".join(i.value for i in at.info)
    assert any(s for s in full.suggestions if any(name in s for name in others))  # the full result names them
    assert not [name for name in others if name in tips]
    load = _frame(at, "capacity").set_index("coach_id")
    for coach in set(cross["coach_id"]):
        assert load.at[coach, "coachees"] == int((cross["coach_id"] == coach).sum())
    history = edit_history(engine=team_engine, dataset_id=1)
    touching = history[history["coachee_id"].isin(mine) | history["coach_id"].isin(mine) | history["rep_id"].isin(mine)]
    assert 0 < len(touching) < len(history)
    assert len(_frame(at, "kind")) == len(touching)


def test_manager_edit_pickers_offer_only_their_people(team_engine: Any) -> None:  # noqa: F811
    """Exclude, capacity, swap, lock, start and stop offer only the manager's people or their coachees' pairs."""
    people = load_people(engine=team_engine, dataset_id=1)
    mine = people[people["rep_id"].isin(_mine(team_engine))]
    labels = set(mine["name"] + " · " + mine["role"])
    at = _chains_page()
    for key in ("ch_ex_person", "ch_cap_coach", "ch_swap_coachee"):
        options = {o.removesuffix(" (excluded)") for o in at.selectbox(key=key).options}
        assert options and options <= labels, (key, options - labels)
    stop = [m for m in at.multiselect if m.key == "ch_stop_pairs"]  # shown once a pair of theirs has started
    for widget in [at.selectbox(key="ch_lock_pair"), at.selectbox(key="ch_start_scope"), *stop]:
        coachees = {o.partition(" → ")[2] for o in widget.options if not o.startswith("All ")}
        assert coachees <= labels, (widget.key, coachees - labels)
    assert at.selectbox(key="ch_lock_pair").options


def test_excluded_person_stays_listed_and_is_included_again(team_engine: Any) -> None:  # noqa: F811
    """A manager excludes one of their coaches, finds them marked in the picker, and includes them again."""
    mine = _mine(team_engine)
    at = _chains_page()
    coach = next(c for c in _matched(team_engine).load["coach_id"] if c in mine)
    at.selectbox(key="ch_ex_person").set_value(coach)
    at.radio(key="ch_ex_action").set_value("exclude")
    at.button(key="ch_ex_save").click().run()
    assert not at.exception and coach in edits_in_force(engine=team_engine, dataset_id=1).constraints.excluded
    assert at.selectbox(key="ch_ex_person").format_func(coach).endswith("(excluded)")
    at.selectbox(key="ch_ex_person").set_value(coach)
    at.radio(key="ch_ex_action").set_value("include")
    at.button(key="ch_ex_save").click().run()
    assert not at.exception and coach not in edits_in_force(engine=team_engine, dataset_id=1).constraints.excluded
    entries = audit_log(engine=team_engine, actions=["chain_edit"], actor="mia")
    assert entries["detail"].tolist() == [f"include {coach}", f"exclude {coach}"]


def test_manager_overview_counts_only_their_rows_and_months(team_engine: Any) -> None:  # noqa: F811
    """The Overview's Rows and Months metrics count the manager's people, not the dataset."""
    mine = _mine(team_engine)
    records = load_records(engine=team_engine, dataset_id=1)
    theirs = records[records["rep_id"].isin(mine)]
    assert len(theirs) < len(records)
    at = _signed_in("mia@example.com")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == f"{len(theirs):,}"
    assert metrics["Months"] == str(theirs["period"].nunique())


def test_manager_plan_names_outside_coach_without_figures(team_engine: Any) -> None:  # noqa: F811
    """The plan of a manager's SDR coached from another team names the coach but carries none of their figures."""
    mine = _mine(team_engine)
    pairs = _matched(team_engine).pairs
    cross = pairs[pairs["coachee_id"].isin(mine) & ~pairs["coach_id"].isin(mine)].iloc[0]
    at = _signed_in("mia@example.com")
    open_page(at, "plans").run()
    at.selectbox(key="pl_person").set_value(cross["coachee_id"]).run()
    assert not at.exception, [e.value for e in at.exception]
    plan = "\n".join(m.value for m in at.markdown)
    assert str(cross["coach_name"]) in plan
    coach_lines = [line for line in plan.splitlines() if str(cross["coach_name"]) in line]
    assert any("focus:" in line for line in coach_lines)  # the manager's notes say why this coach
    assert not any("%" in line or " of " in line or "top" in line for line in coach_lines), coach_lines


def test_manager_with_nobody_in_the_dataset_gets_the_chains_page(team_engine: Any) -> None:  # noqa: F811
    """A manager none of whose people are in the dataset (another region's export) sees the page, not an error:
    with no pair to edit, the lock, start and stop pickers used to lose their columns and fail."""
    from core.governance.users import create_user

    create_user(
        engine=team_engine, username="noa", role="manager", actor="root", email="noa@example.com", teams="Nowhere"
    )
    at = _signed_in("noa@example.com")
    open_page(at, "chains").run()
    assert not at.exception, [e.value for e in at.exception]
