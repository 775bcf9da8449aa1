"""Coaching chains: who coaches whom (AM → AE → SDR), why, the load per coach, and the manager's edits."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from core.coaching.chains import ChainSettings, fit_formula
from core.coaching.edits import (
    add_edit,
    edit_history,
    edits_in_force,
    start_pairs,
    started_pairs,
    stop_pairs,
    swap_coach,
)
from core.coaching.graph import chain_dot
from core.scoring.segmentation import SegmentSettings, apply_overrides
from ui import cache
from ui.auth import link, name_key, require_page
from ui.downloads import table_downloads
from ui.state import current_user, get_engine, require_dataset

viewer = require_page("chains")
st.title("Coaching chains")
dataset = require_dataset()
st.caption(
    "AEs coach SDRs on the qualification criteria; AMs coach AEs. Coaches come from the top tier of the role "
    "above and only if willing; every pair says why. The tiers are those of the Segmentation page's default "
    "settings, with overrides."
)

with st.expander("Capacity and hours", icon=":material/tune:"):
    c1, c2, c3, c4 = st.columns(4)
    cap_ae = c1.number_input("SDRs per AE coach", 0, 10, 3, key="ch_cap_AE")
    cap_am = c2.number_input("AEs per AM coach", 0, 10, 3, key="ch_cap_AM")
    hours = c3.number_input("Coaching hours per coachee / month", 0.5, 10.0, 2.0, step=0.5, key="ch_hours")
    ctc = c4.toggle("Coach the coaches", key="ch_ctc", help="AMs may also coach the top AEs who coach SDRs")
    st.caption(f"Fit: {fit_formula()}")

engine = get_engine()
token = cache.version(dataset.id)
seg_settings = SegmentSettings(replicates=0)
try:
    base = cache.segmentation(dataset.id, token, seg_settings.key(), seg_settings)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
segmented = apply_overrides(base, cache.overrides(dataset.id, token))
edits = edits_in_force(engine=engine, dataset_id=dataset.id)
settings = ChainSettings(
    capacity={"AE": int(cap_ae), "AM": int(cap_am)},
    capacity_overrides=edits.capacity_overrides,
    hours_per_coachee=float(hours),
    coach_the_coaches=bool(ctc),
)
result = cache.chains(segmented, settings, edits.constraints)

# Matching runs on everyone; a manager sees the pairs, coaches and gaps that involve their people.
ids = cache.visible(dataset.id, viewer)
pairs = result.pairs
if ids is not None:
    pairs = pairs[pairs["coachee_id"].isin(ids) | pairs["coach_id"].isin(ids)]
    result = replace(
        result,
        pairs=pairs,
        load=result.load[result.load["coach_id"].isin(set(pairs["coach_id"]) | ids)],
        unmatched=cache.scoped(result.unmatched, ids),
        manager_coached=cache.scoped(result.manager_coached, ids),
    )
    segmented = cache.scoped(segmented, ids | set(pairs["coach_id"]))
load = result.load
m = st.columns(4)
m[0].metric("AE → SDR pairs", int((pairs["level"] == "AE → SDR").sum()))
m[1].metric("AM → AE pairs", int((pairs["level"] == "AM → AE").sum()))
m[2].metric("Core people without a peer coach", len(result.unmatched))
m[3].metric("Coaching hours / month", f"{load['hours'].sum():,.0f}", help="The selling time coaches give; credit it.")
if result.suggestions:
    st.info("\n".join(f"- {s}" for s in result.suggestions), icon=":material/lightbulb:")

teams = sorted(segmented["team"].dropna().unique())
team = st.selectbox("Team", options=["All teams", *teams], index=1 if teams else 0, key="ch_team")
chosen_team = None if team == "All teams" else team
people = segmented[["rep_id", "name", "role", "team"]]
shown_pairs = pairs if chosen_team is None else pairs[pairs["team"] == chosen_team]
if shown_pairs.empty:
    st.info("No coaching pairs in this team yet.")
elif len(shown_pairs) > 150:
    st.caption(f"{len(shown_pairs)} pairs: choose one team to see the picture.")
else:
    st.graphviz_chart(chain_dot(shown_pairs, people, team=chosen_team), width="stretch")
    st.caption("Bold arrow: locked by a manager · dashed: the coach never said yes — ask first.")

tab_pairs, tab_unmatched, tab_load, tab_edits = st.tabs(
    [f"Pairs ({len(shown_pairs)})", f"Without a peer coach ({len(result.unmatched)})", "Coach load", "Manager edits"]
)
with tab_pairs:
    columns = ["level", "coach_name", "coachee_name", "team", "focus", "reason", "locked"]
    st.dataframe(
        shown_pairs[columns],
        hide_index=True,
        width="stretch",
        column_config={"reason": st.column_config.TextColumn("reason", width="large")},
    )
    export = pairs.copy()
    table_downloads(
        export,
        stem="coachwise-chains",
        sheet="Chains",
        key_prefix="ch_dl",
        dataset_id=dataset.id,
        id_column="coachee_id",
    )
with tab_unmatched:
    if result.unmatched.empty:
        st.success("Every core SDR and AE has a peer coach.")
    else:
        st.dataframe(result.unmatched[["name", "role", "team", "region", "why"]], hide_index=True, width="stretch")
    if not result.manager_coached.empty:
        st.markdown("**Coached by their manager or an external coach** (no role above them, or no peer fits)")
        st.dataframe(result.manager_coached[["name", "role", "team", "coach", "why"]], hide_index=True, width="stretch")
with tab_load:
    st.caption("Hours per month each coach gives to coaching — time to recognise in targets and rewards.")
    st.dataframe(
        load.sort_values(["role", "hours"], ascending=[True, False]),
        hide_index=True,
        width="stretch",
        column_config={"hours": st.column_config.NumberColumn("hours / month", format="%.1f")},
    )

with tab_edits:
    names = dict(zip(segmented["rep_id"], segmented["name"] + " · " + segmented["role"], strict=True))
    coachees = sorted(pairs["coachee_id"].tolist() + result.unmatched["rep_id"].tolist(), key=names.get)
    coaches = sorted(load["coach_id"].tolist(), key=names.get)
    current = dict(zip(pairs["coachee_id"], pairs["coach_id"], strict=True))
    e1, e2 = st.columns(2)
    with e1.container(border=True):
        st.markdown("**Swap or set a coach** (the new pair is locked)")
        who = st.selectbox("Coachee", options=coachees, format_func=names.get, key=name_key("ch_swap_coachee"))
        # Only coaches of the role above the coachee's: AEs for SDRs, AMs for AEs.
        above = {"SDR": "AE", "AE": "AM"}.get(str(segmented.set_index("rep_id").at[who, "role"])) if who else None
        fitting = [c for c in coaches if above and load.set_index("coach_id").at[c, "role"] == above]
        to = st.selectbox("New coach", options=fitting, format_func=names.get, key=name_key("ch_swap_coach"))
        if st.button("Save", key="ch_swap_save", disabled=not fitting):
            try:
                swap_coach(
                    engine=engine,
                    dataset_id=dataset.id,
                    coachee_id=str(who),
                    old_coach_id=current.get(str(who)),
                    new_coach_id=str(to),
                    changed_by=current_user(),
                )
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.rerun()
    with e2.form("ch_lock_form"):
        st.markdown("**Lock or unlock a pair** (kept when matching runs again)")
        pair_labels = {
            f"{c}|{e}": f"{names.get(c)} → {names.get(e)}"
            for c, e in zip(pairs["coach_id"], pairs["coachee_id"], strict=True)
        }
        chosen = st.selectbox(
            "Pair", options=list(pair_labels), format_func=pair_labels.get, key=name_key("ch_lock_pair")
        )
        action = st.radio("Action", ["lock", "unlock"], horizontal=True, key="ch_lock_action")
        if st.form_submit_button("Save", key="ch_lock_save") and chosen:
            coach_id, coachee_id = str(chosen).split("|", 1)
            add_edit(
                engine=engine,
                dataset_id=dataset.id,
                kind=str(action),
                coach_id=coach_id,
                coachee_id=coachee_id,
                changed_by=current_user(),
            )
            st.rerun()
    e3, e4 = st.columns(2)
    with e3.form("ch_exclude_form"):
        st.markdown("**Exclude or include a person** (e.g. on leave)")
        everyone = sorted(names, key=names.get)
        person = st.selectbox("Person", options=everyone, format_func=names.get, key=name_key("ch_ex_person"))
        ex_action = st.radio("Action", ["exclude", "include"], horizontal=True, key="ch_ex_action")
        if st.form_submit_button("Save", key="ch_ex_save"):
            add_edit(
                engine=engine, dataset_id=dataset.id, kind=str(ex_action), rep_id=str(person), changed_by=current_user()
            )
            st.rerun()
    with e4.form("ch_capacity_form"):
        st.markdown("**Capacity of one coach**")
        coach = st.selectbox("Coach", options=coaches, format_func=names.get, key=name_key("ch_cap_coach"))
        value = st.number_input("Coachees", 0, 20, 3, key="ch_cap_value")
        if st.form_submit_button("Save", key="ch_cap_save"):
            add_edit(
                engine=engine,
                dataset_id=dataset.id,
                kind="capacity",
                rep_id=str(coach),
                value=int(value),
                changed_by=current_user(),
            )
            st.rerun()
    history = edit_history(engine=engine, dataset_id=dataset.id)
    if len(history):
        shown = history.drop(columns="id").copy()
        for column in ("coach_id", "coachee_id", "rep_id"):
            shown[column] = shown[column].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
        st.caption("Edit history (newest first)")
        st.dataframe(cache.redact_frame(pd.DataFrame(shown), dataset.id, token, ()), hide_index=True, width="stretch")

# Starting chains: the start month per pair feeds the Impact page; a started pair is also locked.
st.subheader("Started coaching")
started = started_pairs(engine=engine, dataset_id=dataset.id)
if ids is not None:
    started = started[started["coachee_id"].isin(ids) | started["coach_id"].isin(ids)]
with st.form("ch_start_form"):
    st.markdown("**Start coaching** — the month the pairs began; the Impact page compares them from then on")
    s1, s2, s3 = st.columns([2, 3, 1])
    data_months = sorted(cache.records(dataset.id, token)["period"].unique())[-12:]
    next_month = str(pd.Period(data_months[-1], freq="M") + 1) if data_months else None
    month_options = [*data_months, *([next_month] if next_month else [])]
    month = s1.selectbox("First coached month", month_options, index=len(month_options) - 1, key="ch_start_month")
    running = set(zip(started["coach_id"], started["coachee_id"], strict=True))
    to_start = [p for p in zip(shown_pairs["coach_id"], shown_pairs["coachee_id"], strict=True) if p not in running]
    start_labels = {"all": f"All {len(to_start)} pairs shown ({team}) not started yet"}
    start_labels |= {
        f"{c}|{e}": f"{names.get(c)} → {names.get(e)}"
        for c, e in zip(pairs["coach_id"], pairs["coachee_id"], strict=True)
    }
    scope = s2.selectbox("Pairs", list(start_labels), format_func=start_labels.get, key=name_key("ch_start_scope"))
    if s3.form_submit_button("Start", key="ch_start_save") and month:
        chosen_pairs = (
            to_start  # a started pair keeps its month unless it is started again on its own
            if scope == "all"
            else [(str(scope).partition("|")[0], str(scope).partition("|")[2])]
        )
        try:
            start_pairs(
                engine=engine, dataset_id=dataset.id, pairs=chosen_pairs, month=str(month), changed_by=current_user()
            )
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.rerun()
if started.empty:
    st.caption("No pair started yet.")
else:
    shown_started = started.assign(
        coach=started["coach_id"].map(lambda v: names.get(v, v)),
        coachee=started["coachee_id"].map(lambda v: names.get(v, v)),
    )
    shown_started = shown_started[["coach", "coachee", "start", "changed_by"]]
    shown_started = cache.redact_frame(shown_started, dataset.id, token, ())
    st.dataframe(shown_started, hide_index=True, width="stretch")
    stop_labels = {
        f"{c}|{e}": f"{names.get(c, c)} → {names.get(e, e)}"
        for c, e in zip(started["coach_id"], started["coachee_id"], strict=True)
    }
    to_stop = st.multiselect(
        "Stop (no longer counted as coached; unlocks)",
        list(stop_labels),
        format_func=stop_labels.get,
        key=name_key("ch_stop_pairs"),
    )
    if st.button("Stop selected", key="ch_stop_save", disabled=not to_stop):
        stop_pairs(
            engine=engine,
            dataset_id=dataset.id,
            pairs=[(c, e) for c, _, e in (str(v).partition("|") for v in to_stop)],
            changed_by=current_user(),
        )
        st.rerun()
    link("impact", "See whether it works on the Impact page", ":material/trending_up:")
