"""Coaching plans: find a person, read and edit their plan (or HR brief), log check-ins, export."""

import streamlit as st

from core.plans.content import build_plan, build_plans, edits_to_store, file_stem, to_markdown
from core.plans.model import CheckIn, Plan
from core.plans.render import plans_zip, to_docx, to_pdf
from core.plans.store import add_checkin, all_plan_edits, plan_edits, set_plan_edit
from core.schema import ROLE_NAMES
from core.scoring.metrics import METRICS
from core.scoring.segmentation import SegmentSettings
from ui import cache
from ui.auth import name_key, presenting, require_page
from ui.downloads import MIME, audited
from ui.plan_context import plan_context
from ui.state import current_user, get_engine, require_dataset

viewer = require_page("plans")
st.title("Coaching plans")
dataset = require_dataset()
st.caption(
    "One document per person: a coaching plan for the core, a retention and coaching-role plan for top "
    "performers, and a factual HR brief for the low tier. Options to discuss, not orders."
)

engine = get_engine()
token = cache.version(dataset.id)
try:
    context = plan_context(dataset.id, token, SegmentSettings())
except ValueError as exc:
    st.error(str(exc))
    st.stop()
segmented, today = context.segmented, context.today

f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
search = f1.text_input("Search by name or ID", key=name_key("pl_search"), placeholder="e.g. Wolf or E10023")
team = f2.selectbox("Team", ["All", *sorted(segmented["team"].dropna().unique())], key="pl_team")
tier = f3.selectbox("Tier", ["All", "low", "core", "top"], key="pl_tier")
role = f4.selectbox("Role", ["All", "SDR", "AE", "AM"], key="pl_role")
view = cache.scoped(segmented, cache.visible(dataset.id, viewer))
if search.strip():
    text = search.strip().casefold()
    view = view[view["name"].str.casefold().str.contains(text, regex=False) | view["rep_id"].str.casefold().eq(text)]
for column, value in (("team", team), ("tier", tier), ("role", role)):
    if value != "All":
        view = view[view[column] == value]
if view.empty:
    st.info("No one matches; clear the search or the filters.")
    st.stop()

view = view.sort_values(["name", "rep_id"])
labels = {
    r: f"{n} · {r} · {ROLE_NAMES[ro]} · {t} · {ti}"
    for r, n, ro, t, ti in view[["rep_id", "name", "role", "team", "tier"]].itertuples(index=False)
}
rep = str(
    st.selectbox(f"Person ({len(view)} shown)", list(labels), format_func=labels.__getitem__, key=name_key("pl_person"))
)


person_checkins = tuple(c for _, c in cache.shown_checkins(dataset.id, token, rep))
edits = cache.shown_edits(dataset.id, token, plan_edits(engine=engine, dataset_id=dataset.id, rep_id=rep))


inputs = context


def _plan_for(rep_id: str, edits_for: dict[str, str], logged: tuple[CheckIn, ...]) -> Plan:
    return build_plan(rep_id, checkins=logged, edits=edits_for, inputs=inputs)


plan = _plan_for(rep, edits, person_checkins)
stem = file_stem(plan.rep_id, plan.name)
kind = "HR brief" if plan.kind == "hr_brief" else "plan"
for column, (label, fmt, make) in zip(
    st.columns([1, 1, 1, 3]),
    (("PDF", "pdf", to_pdf), ("Word", "docx", to_docx), ("Markdown", "md", to_markdown)),
    strict=False,
):
    column.download_button(
        label,
        data=audited(
            lambda make=make: make(plan), dataset_id=dataset.id, rep_ids=[plan.rep_id], what=f"{kind} ({fmt})"
        ),
        file_name=f"{stem}.{fmt}",
        mime=MIME[fmt],
        key=f"pl_{fmt}",
    )

if not viewer.edits_plans:
    st.caption(":material/visibility: Read-only for your role: plans are edited by managers and coaches.")
tab_plan, tab_edit, tab_log, tab_many = st.tabs(["Plan", "Edit", f"Check-ins ({len(person_checkins)})", "Export many"])
with tab_plan:
    st.markdown(to_markdown(plan))
with tab_edit:
    if not viewer.edits_plans:
        st.info("Your role reads plans; a manager or coach edits them.")
    elif presenting():
        st.info("Editing is off in presentation mode: the text shown has aliases in place of names.")
    else:
        role_metrics = [m for m in METRICS if m.role == plan.role]
        labels_by_id = {m.id: m.label for m in role_metrics}
        with st.form("pl_edit_form"):
            st.caption(
                "Edited parts are kept when new data arrives and are marked as edited; "
                "clear a field to go back to the generated text."
            )
            focus = st.multiselect(
                "Focus areas (1–3)",
                options=list(labels_by_id),
                default=[f.metric for f in plan.focus if f.metric in labels_by_id],
                format_func=labels_by_id.__getitem__,
                max_selections=3,
                key="pl_focus",
                disabled=plan.kind != "coaching",
            )
            goals: dict[str, str] = {}
            practices: dict[str, str] = {}
            for area in plan.focus:
                goals[area.metric] = st.text_input(
                    f"Goal — {area.label}", value=area.goal, key=f"pl_goal_{area.metric}"
                )
                practices[area.metric] = st.text_area(
                    f"Practice options — {area.label} (one per line)",
                    value="\n".join(area.practice),
                    key=f"pl_practice_{area.metric}",
                )
            cadence = st.text_input("Cadence", value=plan.cadence, key="pl_cadence", disabled=plan.kind != "coaching")
            notes = st.text_area("Notes", value=plan.notes, key="pl_notes")
            if st.form_submit_button("Save changes", key="pl_save"):
                changed = edits_to_store(
                    _plan_for(rep, {}, person_checkins),
                    edits,
                    notes=notes,
                    cadence=cadence,
                    focus=focus,
                    goals=goals,
                    practices=practices,
                )
                for key, value in changed.items():
                    set_plan_edit(
                        engine=engine,
                        dataset_id=dataset.id,
                        rep_id=rep,
                        key=key,
                        value=value,
                        changed_by=current_user(),
                    )
                st.rerun()
with tab_log:
    if viewer.edits_plans:
        with st.form("pl_ci_form", clear_on_submit=True):
            c1, c2 = st.columns([1, 3])
            held = c1.date_input("Date", value=today, max_value=today, key="pl_ci_date")
            note = c2.text_input("What was discussed", key="pl_ci_note")
            next_step = st.text_input("Next step", key="pl_ci_next")
            if st.form_submit_button("Log check-in", key="pl_ci_save"):
                try:
                    add_checkin(
                        engine=engine,
                        dataset_id=dataset.id,
                        rep_id=rep,
                        held_on=held,
                        note=note,
                        next_step=next_step,
                        changed_by=current_user(),
                    )
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
    if person_checkins:
        st.dataframe(
            [{"date": c.when, "note": c.note, "next step": c.next_step, "by": c.by} for c in reversed(person_checkins)],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No check-ins yet. Coaching is continuous: short, regular conversations, logged here.")
with tab_many:
    st.caption(
        f"All {len(view)} people shown by the filters above, one file each, in a ZIP (HR briefs for the low tier)."
    )
    fmt = st.radio("Format", ["pdf", "docx", "md"], horizontal=True, key="pl_zip_fmt")
    if st.button(f"Prepare ZIP of {len(view)} plans", key="pl_zip_go"):
        everyone_edits = {
            r: cache.shown_edits(dataset.id, token, e)
            for r, e in all_plan_edits(engine=engine, dataset_id=dataset.id).items()
        }
        logged_by_rep: dict[str, list[CheckIn]] = {}
        for rep_id, entry in cache.shown_checkins(dataset.id, token):
            logged_by_rep.setdefault(rep_id, []).append(entry)
        bar = st.progress(0.0, text="Writing plans…")
        plans = build_plans(sorted(view["rep_id"]), checkins=logged_by_rep, edits=everyone_edits, inputs=inputs)
        data = plans_zip(
            plans,
            fmt,  # type: ignore[arg-type]
            file_stem=file_stem,
            markdown=to_markdown,
            progress=lambda i, n: bar.progress(i / n, text=f"Writing plans… {i} of {n}"),
        )
        bar.empty()
        # Kept with the view token, so a ZIP made before presentation mode was switched on is never offered.
        st.session_state["pl_zip"] = (dataset.id, token, fmt, tuple(p.rep_id for p in plans), data)
    made = st.session_state.get("pl_zip")
    if made and made[:2] == (dataset.id, token):
        _, _, zfmt, zip_ids, zipped = made
        st.download_button(
            f"Download ZIP ({len(zip_ids)} {zfmt.upper()} files)",
            data=audited(lambda: zipped, dataset_id=dataset.id, rep_ids=zip_ids, what=f"plans and briefs ZIP ({zfmt})"),
            file_name=f"coachwise-plans-{zfmt}.zip",
            mime="application/zip",
            key="pl_zip_dl",
        )
