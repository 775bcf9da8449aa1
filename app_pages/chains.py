"""Coaching chains: who coaches whom at each level, why, whom to ask first, coaching credit, and the manager's edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.coaching.chains import (
    DEFAULT_CAPACITY,
    LEVEL_BY_ID,
    ChainResult,
    ChainSettings,
    coach_credit,
    default_levels,
    fit_formula,
    level_label,
)
from core.coaching.edits import (
    add_edit,
    edit_history,
    edits_in_force,
    set_levels,
    start_pairs,
    started_pairs,
    stop_pairs,
    swap_coach,
)
from core.coaching.graph import chain_dot
from core.coaching.scope import chains_in_scope, edits_in_scope, people_in_scope
from core.governance.access import scoped
from core.i18n import N_
from core.scoring.segmentation import SegmentSettings
from core.text import markdown_text as md
from ui import cache
from ui.auth import current_user, link, require_page
from ui.dataset import require_dataset
from ui.downloads import table_downloads
from ui.i18n import _, ngettext, number
from ui.i18n import month as month_name
from ui.redact import View, name_key, redact_frame, view_of
from ui.state import get_engine

ALL_TEAMS = "All teams"  # the team picker's value for every team; shown through _()
HEADERS = {
    "level": N_("level"),
    "status": N_("status"),
    "coach_name": N_("coach"),
    "coachee_name": N_("coachee"),
    "team": N_("team"),
    "focus": N_("focus"),
    "reason": N_("reason"),
    "locked": N_("locked"),
    "name": N_("name"),
    "role": N_("role"),
    "region": N_("region"),
    "tier": N_("tier"),
    "why_them": N_("why them"),
    "levels": N_("levels"),
    "coachees": N_("coachees"),
    "coachee_names": N_("coachees' names"),
    "hours": N_("hours / month"),
    "hours_per_month": N_("hours / month"),
    "invite": N_("whom to invite"),
    "why": N_("why"),
    "coach": N_("coach"),
    "coachee": N_("coachee"),
    "manager": N_("manager"),
    "external_coach": N_("external coach"),
    "capacity": N_("capacity"),
    "ask_first": N_("ask first"),
    "coach_id": N_("coach"),
    "coachee_id": N_("coachee"),
    "rep_id": N_("person"),
    "kind": N_("edit"),
    "value": N_("value"),
    "text": N_("text"),
    "start": N_("first coached month"),
    "changed_by": N_("changed by"),
    "created_at": N_("when (UTC)"),
}
"""Every column the page's tables show, as the reader reads it; the frames (and the downloads) keep the English keys."""
STATUS = {
    "pair": N_("pair"),
    "invitation": N_("invitation"),
    "agreed": N_("agreed"),
    "to be confirmed": N_("to be confirmed"),
}
"""A pair's or coach's status as the data holds it, and as the page says it."""
EDIT_KINDS = {
    "lock": N_("lock"),
    "unlock": N_("unlock"),
    "forbid": N_("forbid"),
    "allow": N_("allow"),
    "exclude": N_("exclude"),
    "include": N_("include"),
    "capacity": N_("capacity"),
    "start": N_("start"),
    "stop": N_("stop"),
    "answer": N_("answer"),
    "external": N_("external coach"),
    "levels": N_("levels"),
}
"""The kinds of manager edit (``core.coaching.edits.KINDS``) as the edit history names them."""


def _headers(frame: pd.DataFrame, **special: st.column_config.Column) -> dict[str, str | st.column_config.Column]:
    """The column labels of a shown table in the reader's words, with ``special`` columns configured by hand."""
    labels: dict[str, str | st.column_config.Column] = {c: _(HEADERS[c]) for c in frame.columns if c in HEADERS}
    return labels | special


def _hours(column: str = "hours") -> dict[str, st.column_config.Column]:
    return {column: st.column_config.NumberColumn(_("hours / month"), format="%.1f")}


def _status(values: pd.Series) -> pd.Series:
    words = {key: _(text) for key, text in STATUS.items()}
    return values.map(lambda v: words.get(str(v), v))


@dataclass(frozen=True)
class Board:
    """What every part of the page shows: the chains cut to the viewer's scope, and how to name people."""

    view: View
    result: ChainResult  # pairs, gaps and load that involve the viewer's people
    segmented: pd.DataFrame  # the viewer's people and the coaches of their pairs
    ids: frozenset[str] | None  # the viewer's rep_ids, None for everyone
    names: dict[str, str]  # rep_id → "name · role"
    team: str  # the team chosen, or "All teams" in the reader's words
    shown_pairs: pd.DataFrame  # the pairs of that team
    excluded: frozenset[str]  # taken out of matching by an edit in force

    def label(self, rep_id: object) -> str:
        """How a person is named in pickers and tables: "name · role" (the rep_id when unknown)."""
        return self.names.get(str(rep_id), str(rep_id))

    def editable(self, rep_id: object) -> bool:
        """Whether the viewer may edit this person's place in the chains (a pair's: its coachee's)."""
        return self.ids is None or str(rep_id) in self.ids

    def editable_pairs(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """The pairs whose coachee the viewer may edit."""
        # A boolean Series, not a list: an empty list would select no columns and lose coach_id and coachee_id.
        return pairs[pairs["coachee_id"].map(self.editable).astype(bool)]


def chains() -> None:
    """The page: settings, the matched chains of one team as a graph, four tabs, and started coaching."""
    viewer = require_page("chains")
    if viewer is None:
        return
    st.title(_("Coaching chains"))
    dataset = require_dataset(viewer)
    if dataset is None:
        return
    st.caption(
        _(
            "Peer coaching level by level: AEs coach SDRs on the qualification criteria, AMs coach AEs, and within a "
            "role the best help their peers. Coaches come from the top tier; a coach who has not said yes is an "
            "invitation (ask first), not an assignment. Every pair says why. The tiers are those of the Segmentation "
            "page's default settings, with overrides."
        )
    )
    view = view_of(dataset.id)
    try:
        segmented = cache.tiers(view, SegmentSettings(replicates=0))
    except ValueError as exc:
        st.error(str(exc))
        return
    edits = edits_in_force(engine=get_engine(), dataset_id=dataset.id)
    ids = cache.visible(dataset.id, viewer)
    levels = _levels(segmented, dataset.id, edits.levels, may_store=ids is None)
    with st.expander(_("Capacity and hours"), icon=":material/tune:"):
        settings = _settings(levels, edits.capacity_overrides, edits.external_coaches)
    matched = cache.chains(segmented, settings, edits.constraints)
    # Matching runs on everyone; a manager sees the pairs, coaches and gaps that involve their people.
    board = _board(
        view,
        chains_in_scope(matched, ids),
        people_in_scope(segmented, matched, ids),
        ids,
        edits.constraints.excluded,
    )
    tab_pairs, tab_invite, tab_unmatched, tab_credit, tab_edits = st.tabs(
        [
            _("Pairs ({n})").format(n=number(len(board.shown_pairs))),
            _("Invitations ({n})").format(n=number(len(board.result.invitations))),
            _("Without a peer coach ({n})").format(
                n=number(len(board.result.unmatched) + len(board.result.manager_coached))
            ),
            _("Coaching credit"),
            _("Manager edits"),
        ]
    )
    with tab_pairs:
        _pairs(board)
    with tab_invite:
        _invitations(board)
    with tab_unmatched:
        _unmatched(board)
    with tab_credit:
        _credit(board)
    with tab_edits:
        _edits(board)
    _started(board)


def _levels(
    segmented: pd.DataFrame, dataset_id: int, stored: tuple[str, ...] | None, *, may_store: bool
) -> tuple[str, ...]:
    """The levels to match: those kept for the dataset, else the ones that fit the team's roles.

    A change is kept for the dataset (an audited chain edit), so the plans and the next visit use the same
    levels. The widget follows the kept levels whenever they differ from what this session last showed — another
    dataset, or a change made in another session — so a stale choice is never saved over a newer one, and whenever
    Streamlit has forgotten its value (another page ran in between). Only a
    viewer who sees every team may change them: they shape every team's chains.
    """
    kept = stored if stored is not None else default_levels(segmented["role"].dropna().astype(str))
    # Streamlit forgets a widget's value when a run shows another page: coming back, the widget would be empty and
    # that emptiness stored as the dataset's choice, so it is set again whenever it is gone.
    if st.session_state.get("ch_levels_shown") != (dataset_id, kept) or "ch_levels" not in st.session_state:
        st.session_state["ch_levels"] = list(kept)
    chosen = tuple(
        str(v)
        for v in st.multiselect(
            _("Levels"),
            options=list(LEVEL_BY_ID),
            format_func=level_label,
            key="ch_levels",
            disabled=not may_store,
            help=_(
                "Who coaches whom. By default: across roles where the role above exists, and within a role that has "
                "no role above it in this team. A coach's capacity is shared across the levels they coach on. The "
                "choice is kept for this dataset: the plans and the next visit use it."
            )
            + ("" if may_store else " " + _("Only someone who sees every team can change it.")),
        )
    )
    chosen = tuple(level for level in LEVEL_BY_ID if level in chosen)  # matching order
    if may_store and chosen != kept:
        try:
            set_levels(engine=get_engine(), dataset_id=dataset_id, levels=chosen, changed_by=current_user(), scope=None)
        except ValueError as exc:
            st.error(str(exc))
            chosen = kept
    st.session_state["ch_levels_shown"] = (dataset_id, chosen)
    return chosen


def _settings(
    levels: tuple[str, ...], capacity_overrides: dict[str, int], external_coaches: dict[str, str]
) -> ChainSettings:
    """Capacity per coach (all levels together), hours per coachee and coach-the-coaches, with the edits in force."""
    c1, c2, c3, c4, c5 = st.columns(5)
    per_coach = _("Coachees per {role} coach")
    cap_ae = c1.number_input(per_coach.format(role="AE"), 0, 10, DEFAULT_CAPACITY["AE"], key="ch_cap_AE")
    cap_am = c2.number_input(per_coach.format(role="AM"), 0, 10, DEFAULT_CAPACITY["AM"], key="ch_cap_AM")
    cap_sdr = c3.number_input(per_coach.format(role="SDR"), 0, 10, DEFAULT_CAPACITY["SDR"], key="ch_cap_SDR")
    hours = c4.number_input(_("Coaching hours per coachee / month"), 0.5, 10.0, 2.0, step=0.5, key="ch_hours")
    ctc = c5.toggle(_("Coach the coaches"), key="ch_ctc", help=_("AMs may also coach the top AEs who coach SDRs"))
    st.caption(_("Fit: {formula}").format(formula=fit_formula()))
    return ChainSettings(
        capacity={"AE": int(cap_ae), "AM": int(cap_am), "SDR": int(cap_sdr)},
        capacity_overrides=capacity_overrides,
        hours_per_coachee=float(hours),
        coach_the_coaches=bool(ctc),
        levels=levels,
        external_coaches=external_coaches,
    )


def _board(
    view: View, result: ChainResult, segmented: pd.DataFrame, ids: frozenset[str] | None, excluded: frozenset[str]
) -> Board:
    """The headline figures, suggestions, the team picker and that team's chain graph."""
    pairs, load = result.pairs, result.load
    running = result.levels or tuple(LEVEL_BY_ID)
    m = st.columns(len(running) + 3)
    for column, level in zip(m, running, strict=False):
        mine = pairs[pairs["level"] == level]
        column.metric(
            _("{level} pairs").format(level=level_label(level)), number(int((mine["status"] == "pair").sum()))
        )
    m[-3].metric(_("Invitations (ask first)"), number(int((pairs["status"] == "invitation").sum())))
    m[-2].metric(_("Core people without a peer coach"), number(len(result.unmatched) + len(result.manager_coached)))
    m[-1].metric(
        _("Coaching hours / month"),
        number(float(load["hours"].sum())),
        help=_("The selling time coaches give; credit it."),
    )
    if result.suggestions:
        st.info("\n".join(f"- {md(s)}" for s in result.suggestions), icon=":material/lightbulb:")
    teams = sorted(scoped(segmented, ids)["team"].dropna().unique())  # the viewer's teams only
    all_teams = _("All teams")
    team = str(
        st.selectbox(
            _("Team"),
            options=[ALL_TEAMS, *teams],
            index=1 if teams else 0,
            format_func=lambda value: all_teams if value == ALL_TEAMS else str(value),
            key="ch_team",
        )
    )
    chosen = None if team == ALL_TEAMS else team
    shown_pairs = pairs if chosen is None else pairs[pairs["team"] == chosen]
    if shown_pairs.empty:
        st.info(_("No coaching pairs in this team yet."))
    elif len(shown_pairs) > 150:
        st.caption(_("{n} pairs: choose one team to see the picture.").format(n=number(len(shown_pairs))))
    else:
        people = segmented[["rep_id", "name", "role", "team"]]
        st.graphviz_chart(chain_dot(shown_pairs, people, team=chosen), width="stretch")
        st.caption(
            _("Bold arrow: locked by a manager · dashed: an invitation — the coach has not said yes, ask first.")
        )
    names = dict(zip(segmented["rep_id"], segmented["name"] + " · " + segmented["role"], strict=True))
    return Board(view, result, segmented, ids, names, all_teams if chosen is None else team, shown_pairs, excluded)


def _pairs(board: Board) -> None:
    """The pairs and invitations of the chosen team with their reasons, and downloads of all of them."""
    shown = board.shown_pairs.assign(
        level=board.shown_pairs["level"].map(level_label), status=_status(board.shown_pairs["status"])
    )
    columns = ["level", "status", "coach_name", "coachee_name", "team", "focus", "reason", "locked"]
    st.dataframe(
        shown[columns],
        hide_index=True,
        width="stretch",
        column_config=_headers(shown[columns], reason=st.column_config.TextColumn(_("reason"), width="large")),
    )
    table_downloads(
        board.result.pairs.copy(),
        stem="coachwise-chains",
        sheet="Chains",
        key_prefix="ch_dl",
        dataset_id=board.view.dataset_id,
        id_column="coachee_id",
    )


def _invitations(board: Board) -> None:
    """Whom to ask first, why them and what it would cover; and the answer a manager records (yes / no)."""
    invitations = board.result.invitations
    if invitations.empty:
        st.success(_("Every proposed coach has said yes: there is nobody to ask first."))
    else:
        st.caption(
            _(
                "These coaches have not said whether they want to coach. Their pairs are proposals until they agree: "
                "ask them, then record the answer — yes turns the proposals into pairs, no takes them out as a coach."
            )
        )
        table = invitations[["name", "role", "team", "why_them", "levels", "coachees", "coachee_names", "hours"]]
        st.dataframe(table, hide_index=True, width="stretch", column_config=_headers(table, **_hours()))
    asked = [str(c) for c in invitations["coach_id"] if board.editable(c)]
    others = [c for c in _coaches(board) if board.editable(c) and c not in asked]
    with st.form("ch_answer_form"):
        st.markdown(_("**Record a coach's answer**"))
        coach = st.selectbox(
            _("Coach"), options=[*asked, *others], format_func=board.label, key=name_key("ch_answer_coach")
        )
        answers = {"yes": _("yes"), "no": _("no")}
        answer = st.radio(
            _("Answer"), list(answers), format_func=answers.__getitem__, horizontal=True, key="ch_answer_value"
        )
        if st.form_submit_button(_("Save"), key="ch_answer_save") and coach:
            _save(board, add_edit, kind="answer", rep_id=str(coach), value=1 if answer == "yes" else 0)


def _unmatched(board: Board) -> None:
    """Core people without a peer coach, which level would cover them and whom to invite; the AMs' external coach."""
    result = board.result
    if result.unmatched.empty:
        st.success(_("Every core SDR and AE has a peer coach."))
    else:
        shown = result.unmatched.assign(level=result.unmatched["level"].map(level_label))
        table = shown[["name", "role", "team", "region", "level", "invite", "why"]]
        st.dataframe(table, hide_index=True, width="stretch", column_config=_headers(table))
    if result.manager_coached.empty:
        return
    st.markdown(_("**Core AMs without an AM peer coach**: an external coach, or their manager as the fallback"))
    table = result.manager_coached[["name", "role", "team", "coach", "why"]]
    st.dataframe(table, hide_index=True, width="stretch", column_config=_headers(table))
    ams = [str(r) for r in result.manager_coached["rep_id"] if board.editable(r)]
    if not ams:
        return
    with st.form("ch_ext_form"):
        st.markdown(_("**Name an external coach** (leave blank to go back to the manager as the fallback)"))
        who = st.selectbox(_("Account Manager"), options=ams, format_func=board.label, key=name_key("ch_ext_am"))
        name = st.text_input(_("External coach's name"), max_chars=200, key="ch_ext_name")
        if st.form_submit_button(_("Save"), key="ch_ext_save") and who:
            _save(board, add_edit, kind="external", rep_id=str(who), text=str(name))


def _credit(board: Board) -> None:
    """Hours per month per coach across all levels, and the coach-credit table to export for a review."""
    st.caption(
        _(
            "Coaching time is selling time given to the team: the hours per month each coach gives, over every level "
            "they coach on — to recognise in targets, reviews and incentive plans."
        )
    )
    credit = coach_credit(board.result)
    if credit.empty:
        st.info(_("Nobody coaches yet in these chains."))
    else:
        table = credit.drop(columns="coach_id").assign(status=_status(credit["status"]))
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config=_headers(table, **_hours("hours_per_month")),
        )
        table_downloads(
            credit,
            stem="coachwise-coach-credit",
            sheet="Coach credit",
            key_prefix="ch_credit",
            dataset_id=board.view.dataset_id,
            id_column="coach_id",
        )
    with st.expander(_("Every coach's capacity and load")):
        load = board.result.load.sort_values(["role", "hours"], ascending=[True, False])
        load = load.assign(
            levels=load["levels"].map(lambda v: ", ".join(level_label(x) for x in str(v).split(", ") if x))
        )
        st.dataframe(load, hide_index=True, width="stretch", column_config=_headers(load, **_hours()))


def _edits(board: Board) -> None:
    """The four manager edits (swap, lock, exclude, capacity) and the edit history."""
    e1, e2 = st.columns(2)
    with e1.container(border=True):
        _swap(board)
    with e2.form("ch_lock_form"):
        _lock(board)
    e3, e4 = st.columns(2)
    with e3.form("ch_exclude_form"):
        _exclude(board)
    with e4.form("ch_capacity_form"):
        _capacity(board)
    history = edits_in_scope(edit_history(engine=get_engine(), dataset_id=board.view.dataset_id), board.ids)
    if len(history):
        shown = history.drop(columns="id").copy()
        for column in ("coach_id", "coachee_id", "rep_id"):
            shown[column] = shown[column].map(lambda v: board.label(v) if isinstance(v, str) else v)
        st.caption(_("Edit history (newest first)"))
        shown = shown.assign(kind=shown["kind"].map(lambda k: _(EDIT_KINDS[k]) if k in EDIT_KINDS else k))
        st.dataframe(
            redact_frame(pd.DataFrame(shown), board.view, ()),
            hide_index=True,
            width="stretch",
            column_config=_headers(shown),
        )


def _coaches(board: Board) -> list[str]:
    return sorted(board.result.load["coach_id"].tolist(), key=board.label)


def _save(board: Board, edit: Callable[..., None], **kwargs: object) -> None:
    """Store an edit as the viewer (within their scope); a refusal is one sentence, a success reruns the page."""
    try:
        edit(
            engine=get_engine(),
            dataset_id=board.view.dataset_id,
            changed_by=current_user(),
            scope=board.ids,
            **kwargs,
        )
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.rerun()


def _swap(board: Board) -> None:
    """Swap or set a coach: only coaches of a running level that coaches the coachee's role; the new pair is locked."""
    pairs = board.result.pairs
    st.markdown(_("**Swap or set a coach** (the new pair is locked)"))
    candidates = pairs["coachee_id"].tolist() + board.result.unmatched["rep_id"].tolist()
    coachees = sorted(filter(board.editable, candidates), key=board.label)
    who = st.selectbox(_("Coachee"), options=coachees, format_func=board.label, key=name_key("ch_swap_coachee"))
    role = str(board.segmented.set_index("rep_id").at[who, "role"]) if who else ""
    above = {LEVEL_BY_ID[v].coach_role for v in board.result.levels if LEVEL_BY_ID[v].coachee_role == role}
    roles = board.result.load.set_index("coach_id")["role"]
    fitting = [c for c in _coaches(board) if roles.at[c] in above and c != who]
    to = st.selectbox(_("New coach"), options=fitting, format_func=board.label, key=name_key("ch_swap_coach"))
    if st.button(_("Save"), key="ch_swap_save", disabled=not fitting):
        mine = pairs[(pairs["coachee_id"] == who) & (pairs["coach_role"] == roles.get(to))]  # the same level's coach
        old = str(mine["coach_id"].iloc[0]) if len(mine) else None
        _save(board, swap_coach, coachee_id=str(who), old_coach_id=old, new_coach_id=str(to))


def _pair_labels(board: Board, pairs: pd.DataFrame) -> dict[str, str]:
    """Pickers of pairs: "coach|coachee" → "Coach · role → Coachee · role"."""
    return {
        f"{c}|{e}": f"{board.label(c)} → {board.label(e)}"
        for c, e in zip(pairs["coach_id"], pairs["coachee_id"], strict=True)
    }


def _lock(board: Board) -> None:
    """Lock or unlock a pair (a locked pair is kept when matching runs again)."""
    st.markdown(_("**Lock or unlock a pair** (kept when matching runs again)"))
    labels = _pair_labels(board, board.editable_pairs(board.result.pairs))
    chosen = st.selectbox(_("Pair"), options=list(labels), format_func=labels.__getitem__, key=name_key("ch_lock_pair"))
    actions = {"lock": _("lock"), "unlock": _("unlock")}
    action = st.radio(
        _("Action"), list(actions), format_func=actions.__getitem__, horizontal=True, key="ch_lock_action"
    )
    if st.form_submit_button(_("Save"), key="ch_lock_save") and chosen:
        coach_id, coachee_id = str(chosen).split("|", 1)
        _save(board, add_edit, kind=str(action), coach_id=coach_id, coachee_id=coachee_id)


def _exclude(board: Board) -> None:
    """Take one of the viewer's people out of matching (e.g. on leave), or include them again.

    An excluded person is in no pair, so they are listed from the viewer's people, not from the chains,
    and marked, so they can be included again.
    """
    st.markdown(_("**Exclude or include a person** (e.g. on leave)"))
    mine = sorted(filter(board.editable, board.names), key=board.label)
    excluded = " " + _("(excluded)")

    def label(rep_id: str) -> str:
        return board.label(rep_id) + (excluded if rep_id in board.excluded else "")

    person = st.selectbox(_("Person"), options=mine, format_func=label, key=name_key("ch_ex_person"))
    actions = {"exclude": _("exclude"), "include": _("include")}
    action = st.radio(_("Action"), list(actions), format_func=actions.__getitem__, horizontal=True, key="ch_ex_action")
    if st.form_submit_button(_("Save"), key="ch_ex_save") and person:
        _save(board, add_edit, kind=str(action), rep_id=str(person))


def _capacity(board: Board) -> None:
    """Set how many coachees one coach takes."""
    st.markdown(_("**Capacity of one coach**"))
    coaches = [c for c in _coaches(board) if board.editable(c)]
    coach = st.selectbox(_("Coach"), options=coaches, format_func=board.label, key=name_key("ch_cap_coach"))
    value = st.number_input(_("Coachees"), 0, 20, 3, key="ch_cap_value")
    if st.form_submit_button(_("Save"), key="ch_cap_save") and coach:
        _save(board, add_edit, kind="capacity", rep_id=str(coach), value=int(value))


def _started(board: Board) -> None:
    """Starting chains: the start month per pair feeds the Impact page; a started pair is also locked."""
    st.subheader(_("Started coaching"))
    started = edits_in_scope(started_pairs(engine=get_engine(), dataset_id=board.view.dataset_id), board.ids)
    with st.form("ch_start_form"):
        _start_form(board, started)
    if started.empty:
        st.caption(_("No pair started yet."))
        return
    shown = started.assign(
        coach=started["coach_id"].map(board.label),
        coachee=started["coachee_id"].map(board.label),
        start=[month_name(str(m)) for m in started["start"]],  # "Juni 2026", as the picker above names it
    )[["coach", "coachee", "start", "changed_by"]]
    st.dataframe(redact_frame(shown, board.view, ()), hide_index=True, width="stretch", column_config=_headers(shown))
    labels = _pair_labels(board, board.editable_pairs(started))
    to_stop = st.multiselect(
        _("Stop (no longer counted as coached; unlocks)"),
        list(labels),
        format_func=labels.__getitem__,
        key=name_key("ch_stop_pairs"),
    )
    if st.button(_("Stop selected"), key="ch_stop_save", disabled=not to_stop):
        _save(board, stop_pairs, pairs=[(c, e) for c, _bar, e in (str(v).partition("|") for v in to_stop)])
    link("impact", _("See whether it works on the Impact page"), ":material/trending_up:")


def _start_form(board: Board, started: pd.DataFrame) -> None:
    """Start the shown pairs (or one pair) in a month; a started pair keeps its month unless started on its own."""
    st.markdown(_("**Start coaching** — the month the pairs began; the Impact page compares them from then on"))
    s1, s2, s3 = st.columns([2, 3, 1])
    data_months = sorted(cache.records(board.view)["period"].unique())[-12:]
    next_month = str(pd.Period(data_months[-1], freq="M") + 1) if data_months else None
    month_options = [*data_months, *([next_month] if next_month else [])]
    names = {m: month_name(m) for m in month_options}  # named now, in this session's language
    month = s1.selectbox(
        _("First coached month"),
        month_options,
        index=len(month_options) - 1,
        key="ch_start_month",
        format_func=names.__getitem__,  # "Nov. 2026" in German; the stored value stays YYYY-MM
    )
    running = set(zip(started["coach_id"], started["coachee_id"], strict=True))
    shown = board.editable_pairs(board.shown_pairs)
    to_start = [p for p in zip(shown["coach_id"], shown["coachee_id"], strict=True) if p not in running]
    labels = {
        "all": ngettext(
            "All {n} pair shown ({team}) not started yet", "All {n} pairs shown ({team}) not started yet", len(to_start)
        ).format(n=number(len(to_start)), team=board.team)
    }
    labels |= _pair_labels(board, board.editable_pairs(board.result.pairs))
    scope = s2.selectbox(_("Pairs"), list(labels), format_func=labels.__getitem__, key=name_key("ch_start_scope"))
    if s3.form_submit_button(_("Start"), key="ch_start_save") and month:
        chosen = to_start if scope == "all" else [(str(scope).partition("|")[0], str(scope).partition("|")[2])]
        _save(board, start_pairs, pairs=chosen, month=str(month))
