"""Coaching plans: find a person, read and edit their plan (or HR brief), log check-ins, export.

The page speaks the viewer's language; each person's own plan is written in theirs (the people list's
``language`` column, else the viewer's), and the manager's notes and HR briefs in the viewer's (#16).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from core.coaching.scope import chains_in_scope
from core.governance.access import Viewer, scoped
from core.i18n import LANGUAGE_NAMES, speaking
from core.plans.calendar import plan_calendar
from core.plans.content import (
    PlanInputs,
    build_plan,
    build_plans,
    edits_to_store,
    file_stem,
    person_language,
    to_markdown,
)
from core.plans.document import carried_lines
from core.plans.model import OUTCOMES, Audience, CheckIn, Plan
from core.plans.render import plans_zip, to_docx, to_pdf
from core.plans.store import add_checkin, plan_edits, set_plan_edits
from core.plans.words import TIER_NAMES, metric_name
from core.scoring.metrics import METRICS
from core.scoring.segmentation import SegmentSettings
from core.store.db import STORE_ERRORS
from core.team import person_labels
from core.text import markdown_text
from ui import cache
from ui.auth import current_user, require_page
from ui.dataset import require_dataset
from ui.downloads import MIME, audited
from ui.i18n import _, current_language, day, ngettext, number, pgettext
from ui.plan_context import plan_context
from ui.redact import View, checkins_by_rep, name_key, shown_checkins, shown_edits, shown_plan_edits, view_of
from ui.state import get_engine, presenting, reset_on_next_run, show_store_error

ZIP = "pl_zip"  # session key: the last ZIP made, with the view it was made for
# The progress bar's share for working out the plans; writing the files takes the rest. Per plan, working one
# out takes ~4 ms, then a Markdown file ~2 ms, a PDF ~15 ms and a Word file ~60 ms (1,000 bench plans, #17).
BUILD_SHARE = {"md": 0.6, "pdf": 0.2, "docx": 0.1}


def plans() -> None:
    """The page: filters, one person's plan with downloads, and tabs to read, edit, log and export many."""
    viewer = require_page("plans")
    if viewer is None:
        return
    st.title(_("Coaching plans"))
    dataset = require_dataset(viewer)
    if dataset is None:
        return
    st.caption(
        _(
            "Two documents per person: their own plan, written to them and handed over unchanged (a coaching plan "
            "for the core, a development plan for top performers, a support plan for someone low only now), and "
            "the manager's notes with the tier, percentile and the coach's figures. Persistently low people get a "
            "factual HR brief instead. Options to discuss, not orders. Each person's plan is in their language "
            "(the people list's language column), the manager's notes in yours."
        )
    )
    view = view_of(dataset.id)
    try:
        context = plan_context(view, SegmentSettings())
    except ValueError as exc:
        st.error(str(exc))
        return
    ids = cache.visible(dataset.id, viewer)
    # A manager's plans name a coach from another team but carry none of that coach's figures.
    context = replace(context, chains=chains_in_scope(context.chains, ids))
    people = _filtered(scoped(context.segmented, ids))
    if people.empty:
        st.info(_("No one matches; clear the search or the filters."))
        return
    rep = _person(people)
    logged = tuple(c for _i, c in shown_checkins(view, rep))
    edits = shown_edits(view, plan_edits(engine=get_engine(), dataset_id=dataset.id, rep_id=rep))
    notes = _plan_for(context, rep, edits, logged)  # the manager's notes and an HR brief: the viewer's language
    own = _plan_for(context, rep, edits, logged, person_language(context, rep, current_language()))
    plan = notes if notes.kind == "hr_brief" else own
    _downloads(view, plan, notes)
    if not viewer.edits_plans:
        st.caption(_(":material/visibility: Read-only for your role: plans are edited by managers and coaches."))
    brief = plan.kind == "hr_brief"
    first = [_("HR brief")] if brief else [_("The person's plan"), _("Manager's notes")]
    tabs = st.tabs([*first, _("Edit"), _("Check-ins ({n})").format(n=len(logged)), _("Export many")])
    tab_plan, tab_edit, tab_log, tab_many = tabs[0], *tabs[-3:]
    with tab_plan:
        if plan.language != current_language():
            st.caption(
                _(":material/translate: Written in {language}, the language of {name}'s people-list entry.").format(
                    language=LANGUAGE_NAMES.get(plan.language, plan.language), name=markdown_text(plan.name)
                )
            )
        st.markdown(to_markdown(plan, "person"))
    if not brief:
        with tabs[1]:
            st.caption(_("Confidential: never part of the person's copy."))
            st.markdown(to_markdown(notes, "manager"))
    with tab_edit:
        _edit(view, viewer, context, plan, edits, logged)
    with tab_log:
        _log(view, viewer, context, rep, logged)
    with tab_many:
        _many(view, context, people)


def _filtered(segmented: pd.DataFrame) -> pd.DataFrame:
    """Search by name or ID, and filter by team, tier and role."""
    f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
    search = f1.text_input(_("Search by name or ID"), key=name_key("pl_search"), placeholder=_("e.g. Wolf or E10023"))
    every = _("All")  # the options are the labels shown (a tier by its name in this language), read back below
    tiers = {pgettext("tier", TIER_NAMES[t]): t for t in ("low", "core", "top")}
    team = f2.selectbox(_("Team"), [every, *sorted(segmented["team"].dropna().unique())], key="pl_team")
    tier_label = f3.selectbox(_("Tier"), [every, *tiers], key="pl_tier")
    role = f4.selectbox(_("Role"), [every, "SDR", "AE", "AM"], key="pl_role")
    tier = tiers.get(str(tier_label), every)
    kept = segmented
    if search.strip():
        text = search.strip().casefold()
        kept = kept[
            kept["name"].str.casefold().str.contains(text, regex=False) | kept["rep_id"].str.casefold().eq(text)
        ]
    for column, value in (("team", team), ("tier", tier), ("role", role)):
        if value != every:
            kept = kept[kept[column] == value]
    return kept.sort_values(["name", "rep_id"])


def _person(people: pd.DataFrame) -> str:
    """The person picker over the filtered people; their rep_id."""
    labels = person_labels(people, with_tier=True)
    return str(
        st.selectbox(
            ngettext("Person ({n} shown)", "Person ({n} shown)", len(people)).format(n=len(people)),
            list(labels),
            format_func=labels.__getitem__,
            key=name_key("pl_person"),
        )
    )


def _plan_for(
    context: PlanInputs, rep_id: str, edits: dict[str, str], logged: tuple[CheckIn, ...], lang: str | None = None
) -> Plan:
    """The person's plan built in ``lang`` (default: the viewer's, as this run speaks)."""
    with speaking(lang or current_language()):
        return build_plan(rep_id, checkins=logged, edits=edits, inputs=context)


def _audiences() -> dict[str, Audience]:
    """The documents to choose from, by the label shown (the options are labels, so a page test reads them)."""
    return {_("The person's plan"): "person", _("Manager's notes"): "manager"}


def _downloads(view: View, plan: Plan, notes: Plan) -> None:
    """PDF, Word and Markdown of the person's plan (in their language) or the manager's notes (in the viewer's),
    and the plan's calendar (.ics); each written (and audited) on click."""
    stem = file_stem(plan.rep_id, plan.name)
    audience: Audience = "manager"
    if plan.kind != "hr_brief":
        audiences = _audiences()
        audience = audiences.get(str(st.radio(_("Document"), list(audiences), horizontal=True, key="pl_for")), "person")
    document = plan if audience == "person" else notes
    # The audit trail's detail stays in English, as every entry is recorded.
    kind = "HR brief" if plan.kind == "hr_brief" else "plan" if audience == "person" else "manager's notes"
    suffix = "" if audience == "person" or plan.kind == "hr_brief" else "_manager-notes"
    columns = st.columns([1, 1, 1, 2, 1])
    for column, (label, fmt, make) in zip(
        columns,
        (("PDF", "pdf", to_pdf), ("Word", "docx", to_docx), ("Markdown", "md", to_markdown)),
        strict=False,
    ):
        column.download_button(
            label,
            data=audited(
                lambda make=make: make(document, audience),
                dataset_id=view.dataset_id,
                rep_ids=[plan.rep_id],
                what=f"{kind} ({fmt})",
            ),
            file_name=f"{stem}{suffix}.{fmt}",
            mime=MIME[fmt],
            key=f"pl_{fmt}",
        )
    if plan.kind != "hr_brief":  # an HR brief has no cadence to hand over
        columns[3].download_button(
            _("Download calendar (.ics)"),
            data=audited(
                lambda: plan_calendar(plan) or b"",
                dataset_id=view.dataset_id,
                rep_ids=[plan.rep_id],
                what="plan calendar (ics)",
            ),
            file_name=f"{stem}.ics",
            mime=MIME["ics"],
            key="pl_ics",
            help=_(
                "The check-ins, reviews and 30/60/90-day dates of this plan, for any calendar: names and dates, "
                "no figures. In the person's language."
            ),
        )


def _edit(
    view: View, viewer: Viewer, context: PlanInputs, plan: Plan, edits: dict[str, str], logged: tuple[CheckIn, ...]
) -> None:
    """The edit form: focus areas, goals, practice options, cadence and notes (kept when new data arrives)."""
    if not viewer.edits_plans:
        st.info(_("Your role reads plans; a manager or coach edits them."))
        return
    if presenting():
        st.info(_("Editing is off in presentation mode: the text shown has aliases in place of names."))
        return
    labels_by_id = {m.id: metric_name(m) for m in METRICS if m.role == plan.role}
    with st.form("pl_edit_form"):
        st.caption(
            _(
                "Edited parts are kept when new data arrives and are marked as edited; "
                "clear a field to go back to the generated text. Goals and practice options are in the "
                "language of the person's plan ({language})."
            ).format(language=LANGUAGE_NAMES.get(plan.language, plan.language))
        )
        focus = st.multiselect(
            _("Focus areas (1–3)"),
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
                _("Goal — {metric}").format(metric=area.label), value=area.goal, key=f"pl_goal_{area.metric}"
            )
            practices[area.metric] = st.text_area(
                _("Practice options — {metric} (one per line)").format(metric=area.label),
                value="\n".join(area.practice),
                key=f"pl_practice_{area.metric}",
            )
        cadence = st.text_input(_("Cadence"), value=plan.cadence, key="pl_cadence", disabled=plan.kind != "coaching")
        notes = st.text_area(_("Notes"), value=plan.notes, key="pl_notes")
        if st.form_submit_button(_("Save changes"), key="pl_save"):
            generated = _plan_for(context, plan.rep_id, {}, logged, plan.language)
            changed = edits_to_store(
                generated, edits, notes=notes, cadence=cadence, focus=focus, goals=goals, practices=practices
            )
            try:
                set_plan_edits(
                    engine=get_engine(),
                    dataset_id=view.dataset_id,
                    rep_id=plan.rep_id,
                    edits=changed,
                    changed_by=current_user(),
                )
            except ValueError as exc:  # a refusal, or the store stayed busy: the edited text stays
                st.error(str(exc))
            except STORE_ERRORS as exc:
                show_store_error(exc)
            else:
                st.rerun()


def _outcomes(rep: str, previous: CheckIn | None) -> dict[str, str]:
    """Inside the check-in form: what happened to each of last time's steps (done, in progress, dropped)."""
    if previous is None or not previous.steps:
        return {}
    st.markdown(_("**Last time's steps** ({date}): what happened to each?").format(date=day(previous.when)))
    chosen: dict[str, str] = {}
    for i, step in enumerate(previous.steps):
        digest = hashlib.sha1(f"{rep}|{previous.when}|{step}".encode()).hexdigest()[:8]
        outcome = st.radio(
            markdown_text(step),
            list(OUTCOMES),
            format_func=lambda outcome: _(OUTCOMES[outcome]),
            index=None,  # required: the manager says what happened, nothing is preselected
            horizontal=True,
            key=f"pl_ci_out_{i}_{digest}",
        )
        if outcome is not None:
            chosen[step] = str(outcome)
    return chosen


def _log(view: View, viewer: Viewer, context: PlanInputs, rep: str, logged: tuple[CheckIn, ...]) -> None:
    """The check-in form (for roles that edit plans), opening with last time's steps, and the person's log."""
    if viewer.edits_plans and presenting():
        st.info(_("Logging is off in presentation mode: the text shown has aliases in place of names."))
    elif viewer.edits_plans:
        with st.form("pl_ci_form"):
            outcomes = _outcomes(rep, logged[-1] if logged else None)
            c1, c2 = st.columns([1, 3])
            held = c1.date_input(_("Date"), value=context.today, max_value=context.today, key="pl_ci_date")
            note = c2.text_input(_("What was discussed"), key="pl_ci_note")
            next_step = st.text_area(_("Next steps (one per line)"), key="pl_ci_next", height=80)
            if st.form_submit_button(_("Log check-in"), key="pl_ci_save"):
                try:
                    add_checkin(
                        engine=get_engine(),
                        dataset_id=view.dataset_id,
                        rep_id=rep,
                        held_on=held,
                        note=note,
                        next_step=next_step,
                        changed_by=current_user(),
                        outcomes=outcomes,
                    )
                except ValueError as exc:  # a refusal, or the store stayed busy: the typed note stays
                    st.error(str(exc))
                except STORE_ERRORS as exc:
                    show_store_error(exc)
                else:
                    reset_on_next_run(pl_ci_note="", pl_ci_next="")
                    st.rerun()
    if logged:
        ordered = list(logged)
        st.dataframe(
            [
                {
                    _("date"): c.when,
                    _("by"): c.by,
                    _("last time's steps"): "; ".join(carried_lines(c, ordered[i - 1] if i else None)),
                    _("what was discussed"): c.note,
                    _("next steps"): "; ".join(c.steps),
                }
                for i, c in reversed(list(enumerate(ordered)))
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(_("No check-ins yet. Coaching is continuous: short, regular conversations, logged here."))


def _many(view: View, context: PlanInputs, people: pd.DataFrame) -> None:
    """A ZIP of every filtered person's plan (or brief), made on request with a progress bar."""
    st.caption(
        ngettext(
            "The {n} person shown by the filters above, one file, in a ZIP: their own plan in their language (HR "
            "briefs left out), or the manager's notes with the HR briefs in yours.",
            "All {n} people shown by the filters above, one file each, in a ZIP: each person's own plan in their "
            "language (HR briefs left out), or the manager's notes with the HR briefs in yours.",
            len(people),
        ).format(n=number(len(people)))
    )
    fmt = st.radio(_("Format"), ["pdf", "docx", "md"], horizontal=True, key="pl_zip_fmt")
    audiences = _audiences()
    chosen = st.radio(_("Documents"), list(audiences), horizontal=True, key="pl_zip_for")
    audience: Audience = audiences.get(str(chosen), "person")
    label = ngettext("Prepare ZIP of {n} plan", "Prepare ZIP of {n} plans", len(people)).format(n=number(len(people)))
    if st.button(label, key="pl_zip_go"):
        everyone_edits = shown_plan_edits(view)
        share = BUILD_SHARE.get(str(fmt), 0.2)
        bar = st.progress(0.0, text=_("Working out the plans…"))

        def built(i: int, n: int) -> None:
            text = _("Working out the plans… {i} of {n}").format(i=number(i), n=number(n))
            bar.progress(share * i / n, text=text)

        def written(i: int, n: int) -> None:
            text = _("Writing the files… {i} of {n}").format(i=number(i), n=number(n))
            bar.progress(share + (1 - share) * i / n, text=text)

        with speaking(current_language()):
            made = build_plans(
                sorted(people["rep_id"]),
                checkins=checkins_by_rep(view),
                edits=everyone_edits,
                inputs=context,
                audience=audience,
                progress=built,
            )
        data = plans_zip(made, fmt, file_stem=file_stem, audience=audience, progress=written)  # type: ignore[arg-type]
        bar.empty()
        included = tuple(p.rep_id for p in made if audience == "manager" or p.kind != "hr_brief")
        # Kept with the view, so a ZIP made before presentation mode was switched on is never offered.
        st.session_state[ZIP] = (view, fmt, included, data)
    kept = st.session_state.get(ZIP)
    if kept and kept[0] == view:
        _view, zfmt, zip_ids, zipped = kept
        st.download_button(
            ngettext("Download ZIP ({n} {format} file)", "Download ZIP ({n} {format} files)", len(zip_ids)).format(
                n=number(len(zip_ids)), format=zfmt.upper()
            ),
            data=audited(
                lambda: zipped, dataset_id=view.dataset_id, rep_ids=zip_ids, what=f"plans and briefs ZIP ({zfmt})"
            ),
            file_name=f"coachwise-plans-{zfmt}.zip",  # the README inside says which documents
            mime=MIME["zip"],
            key="pl_zip_dl",
        )
