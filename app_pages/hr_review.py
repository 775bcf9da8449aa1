"""HR review: the persistent low performers, the facts per person, the HR brief, and the case status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd
import streamlit as st

from core.plans.content import PlanInputs, build_plan, build_plans, file_stem, to_markdown
from core.plans.hr_review import (
    CASE_STATUSES,
    DECISION_NOTE,
    NO_CASE,
    BriefFormat,
    case_counts,
    case_history,
    coaches_by_coachee,
    current_cases,
    export_brief,
    export_briefs_zip,
    metric_gaps,
    persistent_low_table,
    set_case_status,
    with_brief,
)
from core.plans.model import CheckIn, Plan
from core.schema import role_name
from core.scoring.segmentation import SegmentSettings
from core.scoring.tiers import trend_name
from core.store.db import STORE_ERRORS
from core.team import person_labels
from core.text import markdown_text as md
from ui.audited import record_view_once
from ui.auth import current_user, require_page
from ui.charts import percentile_chart
from ui.dataset import require_dataset
from ui.downloads import MIME
from ui.i18n import _, day, ngettext, number, pgettext, table_datetime_format
from ui.plan_context import plan_context
from ui.redact import (
    View,
    checkins_by_rep,
    name_key,
    redact_frame,
    shown_checkins,
    shown_plan_edits,
    view_of,
)
from ui.state import get_engine, reset_on_next_run, show_store_error

TABLE_COLUMNS = [
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


@dataclass(frozen=True)
class _Review:
    """What every part of the page works from: the view, the table, the plans' inputs, who is acting."""

    view: View
    table: pd.DataFrame
    context: PlanInputs
    checkins: dict[str, list[CheckIn]]
    edits: dict[str, dict[str, str]]
    actor: str  # captured now: downloads are generated outside the page run


def hr_review() -> None:
    """The page: who is persistently low, the briefs as a ZIP, and one person's facts, brief and case."""
    viewer = require_page("hr-review")
    if viewer is None:
        return
    st.title(_("HR review"))
    dataset = require_dataset(viewer)
    if dataset is None:
        return
    settings = SegmentSettings()
    window = settings.window or 0
    st.caption(
        _(
            "{dataset} · people who are **persistently** low within their role: in the low tier now and in at least "
            "2 of the last {history} windows of {window} months — not after one bad month. Default settings: "
            "cut-offs {cutoffs} and the default metric weights."
        ).format(
            dataset=md(dataset.name),
            history=settings.history,
            window=window,
            cutoffs="/".join(map(str, settings.cutoffs)),
        )
    )
    st.info(_(DECISION_NOTE), icon=":material/gavel:")
    view = view_of(dataset.id)
    try:
        context = plan_context(view, settings)
    except ValueError as exc:
        st.error(str(exc))
        return
    review = _review(view, context)
    if review.table.empty:
        st.success(
            _(
                "No one in {dataset} is persistently low — that is good news. People in the low tier this window "
                "who were not low in earlier windows are not listed here: one bad period is not a pattern. Their "
                "coaching plans are on the Coaching plans page."
            ).format(dataset=md(dataset.name)),
            icon=":material/sentiment_satisfied:",
        )
        return
    record_view_once("hr_review_viewed", dataset_id=dataset.id)
    if dataset.is_demo:
        st.caption(_("This is the generated demo team: the people below are invented."))
    _listed(review.table)
    _briefs_zip(review)
    st.subheader(_("One person"))
    rep = _person_picker(review.table)
    if rep is not None:
        _person(review, rep)


def _review(view: View, context: PlanInputs) -> _Review:
    """The persistent low performers with their support (check-ins, coach, plan edits) and cases."""
    engine = get_engine()
    edits = shown_plan_edits(view)
    table = persistent_low_table(
        context.segmented,
        context.medians,
        context.history,
        shown_checkins(view),
        current_cases(engine=engine, dataset_id=view.dataset_id),
        coaches=coaches_by_coachee(context.chains.pairs),
        plan_edits=edits,
    )
    return _Review(
        view=view, table=table, context=context, checkins=checkins_by_rep(view), edits=edits, actor=current_user()
    )


def case_status_label(status: str) -> str:
    """A case status as this session reads it (the stored value stays English)."""
    labels = {
        "open": pgettext("case status", "open"),
        "in conversation": pgettext("case status", "in conversation"),
        "closed": pgettext("case status", "closed"),
        NO_CASE: pgettext("case status", "not opened"),
    }
    return labels.get(status, status)


def _capitalised(text: str) -> str:
    """``text`` with a capital first letter and the rest as written ("im Gespräch" → "Im Gespräch")."""
    return text[:1].upper() + text[1:]


def _listed(table: pd.DataFrame) -> None:
    """The counts by case status and the table of everyone listed."""
    counts = case_counts(table)
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric(_("Persistently low"), len(table))
    m2.metric(_("No case yet"), counts[NO_CASE])
    m3.metric(_capitalised(case_status_label("open")), counts["open"])
    m4.metric(_capitalised(case_status_label("in conversation")), counts["in conversation"])
    m5.metric(_capitalised(case_status_label("closed")), counts["closed"])
    shown = table.assign(
        windows=[
            _("{low} of {seen}").format(low=low, seen=seen)
            for low, seen in zip(table["low_windows"], table["windows_seen"], strict=True)
        ],
        role=table["role"].map(role_name),
        trend=table["trend"].map(trend_name),
        case_status=table["case_status"].map(lambda status: case_status_label(str(status))),
        case_at=pd.to_datetime(table["case_at"], utc=True),
    )
    st.dataframe(
        shown[TABLE_COLUMNS],
        hide_index=True,
        width="stretch",
        column_config={
            "name": _("Name"),
            "rep_id": _("ID"),
            "role": _("Role"),
            "team": _("Team"),
            "manager": _("Manager"),
            "windows": st.column_config.TextColumn(_("Low in"), help=_("Low-tier windows of those scored")),
            "percentiles": st.column_config.LineChartColumn(
                _("Monthly percentile"), y_min=0, y_max=100, help=_("Percentile within role, month by month")
            ),
            "trend": _("Trend"),
            "gaps": st.column_config.TextColumn(_("Gap to the role median"), width="large"),
            "support": st.column_config.TextColumn(_("Support given"), width="medium"),
            "override": st.column_config.TextColumn(_("Manager override")),
            "case_status": st.column_config.TextColumn(_("Case")),
            "case_by": st.column_config.TextColumn(_("Case set by")),
            "case_at": st.column_config.DatetimeColumn(_("on"), format=table_datetime_format()),
        },
    )


def _briefs_zip(review: _Review) -> None:
    """Every HR brief in one ZIP (made, and audited, on click), and who has none because of an override."""
    engine, dataset_id, actor = get_engine(), review.view.dataset_id, review.actor
    briefed = with_brief(review.table)
    moved_out = len(review.table) - len(briefed)
    inputs = review.context
    z1, z2 = st.columns([1, 3], vertical_alignment="bottom")
    zip_fmt = cast(
        BriefFormat, z1.radio(_("Format"), ["pdf", "docx"], horizontal=True, key="hr_zip_fmt", format_func=str.upper)
    )
    z2.download_button(
        ngettext("Download {n} HR brief (ZIP)", "Download {n} HR briefs (ZIP)", len(briefed)).format(
            n=number(len(briefed))
        ),
        data=lambda: export_briefs_zip(
            engine=engine,
            actor=actor,
            dataset_id=dataset_id,
            plans=build_plans(briefed, checkins=review.checkins, edits=review.edits, inputs=inputs),
            fmt=zip_fmt,
        ),
        file_name=f"coachwise-hr-briefs-{zip_fmt}.zip",
        mime=MIME["zip"],
        key="hr_zip",
        disabled=not briefed,
        help=_("Confidential. Each download is recorded in the audit trail with the rep_ids it holds."),
    )
    if moved_out:
        z2.caption(
            ngettext(
                "{n} of them was moved out of the low tier by a manager: no HR brief while that override stands.",
                "{n} of them were moved out of the low tier by a manager: no HR brief while that override stands.",
                moved_out,
            ).format(n=number(moved_out))
        )


def _person_picker(table: pd.DataFrame) -> str | None:
    """The person whose facts and brief to open (None until one is chosen)."""
    labels = person_labels(table)
    rep = st.selectbox(
        _("Open a person's facts and brief"),
        options=list(labels),
        format_func=labels.__getitem__,
        index=None,
        placeholder=_("Choose a person (opening it is recorded in the audit trail)"),
        key=name_key("hr_person"),
    )
    return None if rep is None else str(rep)


def _person(review: _Review, rep: str) -> None:
    """One person: the override, the facts and brief on the left, the case on the right (opening is recorded)."""
    record_view_once("hr_brief_viewed", dataset_id=review.view.dataset_id, subject=rep)
    row = cast(pd.Series, review.table.set_index("rep_id").loc[rep])  # rep_ids are unique: one row
    plan = build_plan(rep, checkins=review.checkins.get(rep, ()), edits=review.edits.get(rep), inputs=review.context)
    if row["override"] and plan.kind != "hr_brief":
        st.warning(
            _("{override}. The pattern in the data is shown; there is no HR brief while the override stands.").format(
                override=row["override"]
            )
        )
    elif row["override"]:
        st.info(row["override"])
    left, right = st.columns([3, 2])
    with left:
        _facts(review, rep, row)
        if plan.kind == "hr_brief":
            _brief(review, plan)
    with right:
        _case(review, rep, str(row["case_status"]))


def _facts(review: _Review, rep: str, row: pd.Series) -> None:
    """Who, how often low, the percentile trend, the gaps to the role median and the support given."""
    context = review.context
    manager = row["manager"] or _("not on file")
    st.markdown(
        _("**{name}** · {role} · {team} · manager {manager}").format(
            name=md(str(row["name"])),
            role=role_name(str(row["role"])),
            team=md(str(row["team"])),
            manager=md(manager),
        )
    )
    st.markdown(
        _("Low in **{low} of {seen}** windows · percentile {percentile} · trend {trend} ({trend_text})").format(
            low=row["low_windows"],
            seen=row["windows_seen"],
            percentile=number(float(row["percentile"])),
            trend=trend_name(row["trend"]),
            trend_text=row["trend_text"],
        )
    )
    mine = context.history[context.history["rep_id"] == rep]
    if len(mine):
        st.altair_chart(percentile_chart(mine, title=_("Percentile within role")), width="stretch")
    person = context.segmented.loc[context.segmented["rep_id"] == rep].iloc[0]
    gaps = metric_gaps(person, context.medians).drop(columns="gap_value")
    st.dataframe(
        gaps,
        hide_index=True,
        width="stretch",
        column_config={
            "metric": _("metric"),
            "value": _("value"),
            "role median": _("role median"),
            "gap": _("gap"),
        },
    )
    st.markdown(_("**Support given**"))
    st.markdown(f"- {md(str(row['support']))}")
    for c in reversed(review.checkins.get(rep, [])):
        step = _(" — next step: {step}").format(step=md(c.next_step)) if c.next_step else ""
        st.markdown(f"- {day(c.when)} ({md(c.by)}): {md(c.note)}{step}")


def _brief(review: _Review, plan: Plan) -> None:
    """The HR brief as exported, and its PDF and Word downloads (made, and audited, on click)."""
    engine, dataset_id, actor = get_engine(), review.view.dataset_id, review.actor
    with st.expander(_("The HR brief as exported"), icon=":material/description:"):
        st.markdown(to_markdown(plan))
    stem = file_stem(plan.rep_id, plan.name)
    d1, d2, _spare = st.columns([1, 1, 2])
    d1.download_button(
        _("HR brief (PDF)"),
        data=lambda: export_brief(engine=engine, actor=actor, dataset_id=dataset_id, plan=plan, fmt="pdf"),
        file_name=f"{stem}.pdf",
        mime=MIME["pdf"],
        key="hr_pdf",
    )
    d2.download_button(
        _("HR brief (Word)"),
        data=lambda: export_brief(engine=engine, actor=actor, dataset_id=dataset_id, plan=plan, fmt="docx"),
        file_name=f"{stem}.docx",
        mime=MIME["docx"],
        key="hr_docx",
    )


def _case(review: _Review, rep: str, current: str) -> None:
    """The case status form (a step with a note) and the steps so far."""
    engine, dataset_id = get_engine(), review.view.dataset_id
    st.markdown(_("**Case status**"))
    st.caption(
        _(
            "Open → in conversation → closed, with a note each time. Any move is allowed (a closed case can be "
            "reopened); closing needs a note. The status records what people did — it decides nothing."
        )
    )
    with st.form("hr_case_form"):
        status = st.selectbox(
            _("Status"),
            options=list(CASE_STATUSES),
            format_func=case_status_label,
            index=CASE_STATUSES.index(current) if current in CASE_STATUSES else 0,
            key="hr_status",
        )
        note = st.text_area(
            _("Note"), key="hr_note", placeholder=_("e.g. first conversation with the manager on 12 May")
        )
        if st.form_submit_button(_("Save case step"), key="hr_save"):
            try:
                set_case_status(
                    engine=engine,
                    dataset_id=dataset_id,
                    rep_id=rep,
                    status=str(status),
                    note=note,
                    changed_by=review.actor,
                )
            except ValueError as exc:  # a refusal, or the store stayed busy: the typed note stays
                st.error(str(exc))
            except STORE_ERRORS as exc:
                show_store_error(exc)
            else:
                reset_on_next_run(hr_note="")
                st.rerun()
    steps = case_history(engine=engine, dataset_id=dataset_id, rep_id=rep)
    if steps.empty:
        st.caption(_("No case yet ({status}).").format(status=case_status_label(NO_CASE)))
        return
    steps = redact_frame(steps, review.view, ("note",))
    shown = steps.assign(
        when=pd.to_datetime(steps["created_at"], utc=True),
        status=steps["status"].map(lambda status: case_status_label(str(status))),
    )
    st.dataframe(
        shown[["when", "status", "changed_by", "note"]],
        hide_index=True,
        width="stretch",
        column_config={
            "when": st.column_config.DatetimeColumn(_("when"), format=table_datetime_format()),
            "status": _("status"),
            "changed_by": _("by"),
            "note": _("note"),
        },
    )
