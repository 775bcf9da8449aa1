"""HR review: the persistent low performers, the facts per person, the HR brief, and the case status."""

import pandas as pd
import streamlit as st

from core.plans.content import build_plan, build_plans, file_stem, format_date, to_markdown
from core.plans.hr_review import (
    CASE_STATUSES,
    DECISION_NOTE,
    NO_CASE,
    case_history,
    current_cases,
    export_brief,
    export_briefs_zip,
    metric_gaps,
    persistent_low_table,
    set_case_status,
)
from core.plans.model import CheckIn
from core.plans.store import all_plan_edits
from core.schema import ROLE_NAMES
from core.scoring.segmentation import SegmentSettings
from ui import cache
from ui.audited import record_view_once
from ui.auth import name_key, require_page
from ui.plan_context import percentile_chart, plan_context
from ui.state import current_user, get_engine, require_dataset

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

viewer = require_page("hr-review")
st.title("HR review")
dataset = require_dataset()
settings = SegmentSettings()
window = settings.window or 0
st.caption(
    f"{dataset.name} · people who are **persistently** low within their role: in the low tier now and in at least "
    f"2 of the last {settings.history} windows of {window} months — not after one bad month. "
    f"Default settings: cut-offs {'/'.join(map(str, settings.cutoffs))} and the default metric weights."
)
st.info(DECISION_NOTE, icon=":material/gavel:")

engine = get_engine()
token = cache.version(dataset.id)
try:
    context = plan_context(dataset.id, token, settings)
except ValueError as exc:
    st.error(str(exc))
    st.stop()
segmented, medians, history, chains = context.segmented, context.medians, context.history, context.chains
coaches = {
    str(row.coachee_id): f"{row.coach_name} ({row.coach_role})"
    for row in chains.pairs[["coachee_id", "coach_name", "coach_role"]].itertuples(index=False)
}
logged = cache.shown_checkins(dataset.id, token)
edits = {
    r: cache.shown_edits(dataset.id, token, e) for r, e in all_plan_edits(engine=engine, dataset_id=dataset.id).items()
}
table = persistent_low_table(
    segmented,
    medians,
    history,
    logged,
    current_cases(engine=engine, dataset_id=dataset.id),
    coaches=coaches,
    plan_edits=edits,
)

if table.empty:
    st.success(
        f"No one in {dataset.name} is persistently low — that is good news. People in the low tier this "
        "window who were not low in earlier windows are not listed here: one bad period is not a pattern. "
        "Their coaching plans are on the Coaching plans page.",
        icon=":material/sentiment_satisfied:",
    )
    st.stop()

record_view_once("hr_review_viewed", dataset_id=dataset.id)
if dataset.is_demo:
    st.caption("This is the generated demo team: the people below are invented.")

counts = table["case_status"].value_counts()
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Persistently low", len(table))
m2.metric("No case yet", int(counts.get(NO_CASE, 0)))
m3.metric("Open", int(counts.get("open", 0)))
m4.metric("In conversation", int(counts.get("in conversation", 0)))
m5.metric("Closed", int(counts.get("closed", 0)))

shown = table.assign(
    windows=[f"{low} of {seen}" for low, seen in zip(table["low_windows"], table["windows_seen"], strict=True)],
    role=table["role"].map(ROLE_NAMES),
    case_at=pd.to_datetime(table["case_at"], utc=True).dt.strftime("%d %b %Y"),
)
st.dataframe(
    shown[
        [
            "name",
            "rep_id",
            "role",
            "team",
            "manager",
            "windows",
            "percentiles",
            "trend",
            "gaps",
            "support",
            "override",
            "case_status",
            "case_by",
            "case_at",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "windows": st.column_config.TextColumn("Low in", help="Low-tier windows of those scored"),
        "percentiles": st.column_config.LineChartColumn(
            "Monthly percentile", y_min=0, y_max=100, help="Percentile within role, month by month"
        ),
        "gaps": st.column_config.TextColumn("Gap to the role median", width="large"),
        "support": st.column_config.TextColumn("Support given", width="medium"),
        "override": st.column_config.TextColumn("Manager override"),
        "case_status": st.column_config.TextColumn("Case"),
        "case_by": st.column_config.TextColumn("Case set by"),
        "case_at": st.column_config.TextColumn("on"),
    },
)

by_rep: dict[str, list[CheckIn]] = {}
for rep_id, entry in logged:
    by_rep.setdefault(rep_id, []).append(entry)
inputs = context
with_brief = sorted(table.loc[table["tier"] == "low", "rep_id"])
moved_out = len(table) - len(with_brief)
actor = current_user()  # captured now: downloads are generated outside the page run

z1, z2 = st.columns([1, 3], vertical_alignment="bottom")
zip_fmt = z1.radio("Format", ["pdf", "docx"], horizontal=True, key="hr_zip_fmt", format_func=str.upper)
z2.download_button(
    f"Download {len(with_brief)} HR briefs (ZIP)",
    data=lambda: export_briefs_zip(
        engine=engine,
        actor=actor,
        dataset_id=dataset.id,
        plans=build_plans(with_brief, checkins=by_rep, edits=edits, inputs=inputs),
        fmt=zip_fmt,  # type: ignore[arg-type]
    ),
    file_name=f"coachwise-hr-briefs-{zip_fmt}.zip",
    mime="application/zip",
    key="hr_zip",
    disabled=not with_brief,
    help="Confidential. Each download is recorded in the audit trail with the rep_ids it holds.",
)
if moved_out:
    z2.caption(
        f"{moved_out} of them {'was' if moved_out == 1 else 'were'} moved out of the low tier by a manager: "
        "no HR brief while that override stands."
    )

st.subheader("One person")
labels = {
    r: f"{n} · {r} · {ROLE_NAMES[ro]} · {t}"
    for r, n, ro, t in table[["rep_id", "name", "role", "team"]].itertuples(index=False)
}
rep = st.selectbox(
    "Open a person's facts and brief",
    options=list(labels),
    format_func=labels.__getitem__,
    index=None,
    placeholder="Choose a person (opening it is recorded in the audit trail)",
    key=name_key("hr_person"),
)
if rep is None:
    st.stop()

rep = str(rep)
record_view_once("hr_brief_viewed", dataset_id=dataset.id, subject=rep)
row = table.set_index("rep_id").loc[rep]
plan = build_plan(rep, checkins=by_rep.get(rep, ()), edits=edits.get(rep), inputs=inputs)

if row["override"] and plan.kind != "hr_brief":
    st.warning(f"{row['override']}. The pattern in the data is shown; there is no HR brief while the override stands.")
elif row["override"]:
    st.info(row["override"])

left, right = st.columns([3, 2])
with left:
    manager = row["manager"] or "not on file"
    st.markdown(f"**{row['name']}** · {ROLE_NAMES[str(row['role'])]} · {row['team']} · manager {manager}")
    st.markdown(
        f"Low in **{row['low_windows']} of {row['windows_seen']}** windows · percentile {row['percentile']:.0f} · "
        f"trend {row['trend']} ({row['trend_text']})"
    )
    mine = history[history["rep_id"] == rep]
    if len(mine):
        chart = percentile_chart(mine, title="Percentile within role")
        st.altair_chart(chart, width="stretch")
    person = segmented.loc[segmented["rep_id"] == rep].iloc[0]
    st.dataframe(metric_gaps(person, medians).drop(columns="gap_value"), hide_index=True, width="stretch")
    st.markdown("**Support given**")
    st.markdown(f"- {row['support']}")
    for c in reversed(by_rep.get(rep, [])):
        step = f" — next step: {c.next_step}" if c.next_step else ""
        st.markdown(f"- {format_date(c.when)} ({c.by}): {c.note}{step}")
    if plan.kind == "hr_brief":
        with st.expander("The HR brief as exported", icon=":material/description:"):
            st.markdown(to_markdown(plan))
        stem = file_stem(plan.rep_id, plan.name)
        d1, d2, _ = st.columns([1, 1, 2])
        d1.download_button(
            "HR brief (PDF)",
            data=lambda: export_brief(engine=engine, actor=actor, dataset_id=dataset.id, plan=plan, fmt="pdf"),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            key="hr_pdf",
        )
        d2.download_button(
            "HR brief (Word)",
            data=lambda: export_brief(engine=engine, actor=actor, dataset_id=dataset.id, plan=plan, fmt="docx"),
            file_name=f"{stem}.docx",
            mime=DOCX_MIME,
            key="hr_docx",
        )

with right:
    st.markdown("**Case status**")
    current = str(row["case_status"])
    st.caption(
        "Open → in conversation → closed, with a note each time. Any move is allowed (a closed case can be "
        "reopened); closing needs a note. The status records what people did — it decides nothing."
    )
    with st.form("hr_case_form", clear_on_submit=True):
        status = st.selectbox(
            "Status",
            options=list(CASE_STATUSES),
            index=CASE_STATUSES.index(current) if current in CASE_STATUSES else 0,
            key="hr_status",
        )
        note = st.text_area("Note", key="hr_note", placeholder="e.g. first conversation with the manager on 12 May")
        if st.form_submit_button("Save case step", key="hr_save"):
            try:
                set_case_status(
                    engine=engine, dataset_id=dataset.id, rep_id=rep, status=status, note=note, changed_by=actor
                )
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.rerun()
    steps = case_history(engine=engine, dataset_id=dataset.id, rep_id=rep)
    if steps.empty:
        st.caption(f"No case yet ({NO_CASE}).")
    else:
        steps = cache.redact_frame(steps, dataset.id, token, ("note",))
        st.dataframe(
            steps.assign(when=pd.to_datetime(steps["created_at"], utc=True).dt.strftime("%d %b %Y %H:%M"))[
                ["when", "status", "changed_by", "note"]
            ].rename(columns={"changed_by": "by"}),
            hide_index=True,
            width="stretch",
        )
