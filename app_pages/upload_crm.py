"""Upload, for CRM exports: what each file was read as, its kind and columns, the questions, the derived table.

The Upload page calls :func:`crm_files` when several files are dropped, or one that is a CRM export
rather than the monthly table. Nothing here stores anything: it returns the prepared monthly table
(or None while something is unanswered or unusable), and the page's import does the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import cast

import streamlit as st

from core.i18n import N_
from core.ingest.ahead import canonical_headers
from core.ingest.importer import MappingProblem, UnusableFile
from core.ingest.reader import RawTable, read_table
from core.ingest.records.kinds import KindProblem, fields_of, is_monthly_table, recognise
from core.ingest.records.parse import Answers, Question
from core.ingest.records.vocabulary import KIND_LABELS, KINDS, Kind
from core.ingest.sources import PreparedSources, Source, prepare_sources, recall_from
from core.schema import ROLES
from core.text import markdown_text as md
from ui.i18n import _, ngettext, number
from ui.redact import shown_names
from ui.state import get_engine, presenting

RECOGNISE = "recognise"
NOT_IN_FILE = "— not in the file —"  # the select boxes' values; shown through _options()
CHOOSE = "— choose —"
FIRST_LOOK = "up_first_look"  # ((file hash, sheet), the file as read): one read of every row for every look
MEMO = "upc_prepared"  # (what it was prepared from, the result): preparing reads every row of every file
FIELD_HELP = {
    "owner": N_("the CRM user the record belongs to"),
    "owner_id": N_("the owner's user or employee ID"),
    "owner_email": N_("the owner's e-mail address"),
    "stage": N_("the deal's stage or status (won / lost / open)"),
    "amount": N_("the deal's value"),
    "close_date": N_("when the deal was won or lost"),
    "date": N_("when it happened (the snapshot date for account snapshots)"),
    "type": N_("the activity type: only calls count"),
    "status": N_("the lead's status: accepted / qualified / converted count as qualified"),
    "value": N_("the account's value on the snapshot date"),
    "lost_date": N_("when a lost deal was lost, where the export has no close date for it"),
    "created_date": N_("when the deal was created (not scored)"),
    "won_flag": N_("a yes/no column saying the deal was won (HubSpot's Is Closed Won)"),
    "active": N_("a yes/no column; an archived deal that is not won counts as lost (Odoo)"),
    "outcome": N_("the call's outcome (not scored)"),
    "done": N_("whether the activity was done: only done calls count (Pipedrive)"),
    "account": N_("the account's name or ID"),
    "role": N_("the person's role or job title"),
    "coach_willing": N_("yes / no / blank: whether the person agreed to coach"),
    "coach_aptitude": N_("1–5 / blank: how able the person is to coach (raises their preference as a coach)"),
    "coach_trained": N_("yes / no / blank: whether the person has done coaching training"),
    "quota": N_("the person's monthly quota"),
}
"""What each field of a CRM export holds: the help of its column select box (the field names stay as keys)."""
PEOPLE_HEADERS = {
    "name": N_("name"),
    "role": N_("role"),
    "role_source": N_("role from"),
    "records": N_("records"),
    "on_list": N_("on the people list"),
}
PIPELINE_HEADERS = {"name": N_("name"), "open_deals": N_("open deals"), "open_amount": N_("open amount")}


def _options() -> Callable[[str], str]:
    """How a select box shows its options: the page's own choices in the reader's words, the files' headers as they are.

    The words are looked up now, in the run: Streamlit may call the function again outside it.
    """
    words = {NOT_IN_FILE: _("— not in the file —"), CHOOSE: _("— choose —")}
    return lambda value: words.get(value, value)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _reset_for_new_files(shas: tuple[str, ...]) -> None:
    """Another set of files starts with no kind, column or answer choices from the set before."""
    if st.session_state.get("upc_shas") != shas:
        for key in [k for k in st.session_state if str(k).startswith(("upc_kind_", "upc_map_", "upc_q_"))]:
            del st.session_state[key]
        st.session_state["upc_shas"] = shas
        st.session_state.pop(MEMO, None)


def _chosen_kinds(sources: Sequence[Source]) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for source in sources:
        value = st.session_state.get(f"upc_kind_{_key(source.filename)}")
        if value in KINDS:
            kinds[source.filename] = value
    return kinds


def _chosen_columns(sources: Sequence[Source]) -> dict[str, dict[str, str | None]]:
    chosen: dict[str, dict[str, str | None]] = {}
    for source in sources:
        prefix = f"upc_map_{_key(source.filename)}_"
        for key, value in st.session_state.items():
            if str(key).startswith(prefix) and value is not None:
                chosen.setdefault(source.filename, {})[str(key)[len(prefix) :]] = (
                    None if value == NOT_IN_FILE else value
                )
    return chosen


def _question_key(question: Question, text: str) -> str:
    return f"upc_q_{_key(f'{question.file}|{question.column}|{question.topic}|{text}')}"


def _answers(asked: Sequence[Question]) -> Answers:
    """The answers given in the question boxes (kept across reruns, also for questions no longer asked)."""
    stages: dict[str, str] = dict(st.session_state.get("upc_stages", {}))
    roles: dict[str, str] = dict(st.session_state.get("upc_roles", {}))
    orders: dict[str, str] = dict(st.session_state.get("upc_orders", {}))
    for question in asked:
        texts = (question.column,) if question.topic == "date order" else question.texts
        for text in texts:
            value = st.session_state.get(_question_key(question, text))
            if value is None or value == CHOOSE:
                continue
            if question.topic in ("stage", "lead status"):
                stages[text] = value
            elif question.topic == "date order":
                orders[f"{question.file}:{question.column}"] = value
            else:
                roles[text] = value
    st.session_state["upc_stages"], st.session_state["upc_roles"], st.session_state["upc_orders"] = (
        stages,
        roles,
        orders,
    )
    return Answers(stages=stages, roles=roles, date_orders=orders)


def _prepare(sources: Sequence[Source], max_bytes: int) -> PreparedSources | None:
    """The files read with the kinds, columns and answers chosen so far; None after an error sentence."""
    kinds, columns = _chosen_kinds(sources), _chosen_columns(sources)
    answers = _answers(st.session_state.get("upc_asked", []))
    memo_key = (
        tuple(hashlib.sha256(s.data).hexdigest() for s in sources),
        tuple(sorted(kinds.items())),
        tuple(sorted((f, tuple(sorted(m.items(), key=str))) for f, m in columns.items())),
        tuple(sorted(answers.stages.items())),
        tuple(sorted(answers.roles.items())),
        tuple(sorted(answers.date_orders.items())),
    )
    memo = st.session_state.get(MEMO)
    if memo is not None and memo[0] == memo_key:
        return memo[1]  # type: ignore[no-any-return]
    try:
        with st.spinner(
            ngettext(
                "Reading {n} file and deriving the monthly table…",
                "Reading {n} files and deriving the monthly table…",
                len(sources),
            ).format(n=number(len(sources)))
        ):
            result = prepare_sources(
                sources,
                kinds=kinds,
                mappings=columns,
                answers=answers,
                recall=recall_from(get_engine()),
                max_bytes=max_bytes,
            )
    except (UnusableFile, KindProblem, MappingProblem) as exc:
        st.error(md(str(exc)), icon=":material/block:")
        return None
    st.session_state[MEMO] = (memo_key, result)
    st.session_state["upc_asked"] = list(result.questions)
    return result


def _file_panels(sources: Sequence[Source], result: PreparedSources | None) -> None:
    """Per file: what it was read as, and its kind and columns to correct."""
    summaries = {f.filename: f for f in result.derivation.files} if result and result.derivation else {}
    recognised = {f.filename: f for f in result.files} if result else {}
    st.markdown(ngettext("**{n} file**", "**{n} files**", len(sources)).format(n=number(len(sources))))
    for source in sources:
        summary = summaries.get(source.filename)
        file = recognised.get(source.filename)
        title = summary.sentence if summary is not None else _("not read yet: choose its kind")
        with st.expander(f"{source.filename} — {title}", icon=":material/description:"):
            recognised_as = (
                _("as recognised ({kind})").format(kind=file.label)
                if file is not None
                else _("recognise from the headers")
            )
            kind_options: list[str] = [RECOGNISE, *KINDS]
            labels = {RECOGNISE: recognised_as, **{str(k): v for k, v in KIND_LABELS.items()}}
            st.selectbox(
                _("What this file is"),
                options=kind_options,
                format_func=labels.__getitem__,
                key=f"upc_kind_{_key(source.filename)}",
            )
            if file is None or file.kind in ("monthly",):
                continue
            headers = [str(c) for c in file.raw.frame.columns]
            fields = fields_of(file.kind)
            cols = st.columns(3)
            for i, name in enumerate(fields):
                chosen = file.mapping.get(name)
                column_options = [NOT_IN_FILE, *headers]
                cols[i % 3].selectbox(
                    name,
                    options=column_options,
                    index=column_options.index(chosen) if chosen in column_options else 0,
                    format_func=_options(),
                    key=f"upc_map_{_key(source.filename)}_{name}",
                    help=_(FIELD_HELP[name]) if name in FIELD_HELP else None,
                )
            if file.ignored:
                st.caption(_("Hidden columns ignored: {columns}").format(columns=", ".join(map(md, file.ignored[:5]))))


def _questions(result: PreparedSources) -> None:
    """One select box per text Coachwise will not guess: stages, lead statuses, titles, owners, date orders."""
    if not result.questions:
        return
    count = len(result.questions)
    st.warning(
        ngettext(
            "{n} question before the table is complete: Coachwise never guesses what a stage, a status, a job "
            "title or a date means. Answers are remembered for files with the same headers once you import.",
            "{n} questions before the table is complete: Coachwise never guesses what a stage, a status, a job "
            "title or a date means. Answers are remembered for files with the same headers once you import.",
            count,
        ).format(n=number(count)),
        icon=":material/help:",
    )
    for question in result.questions:
        st.markdown(md(question.sentence().split(" Answer ")[0]))
        texts = (question.column,) if question.topic == "date order" else question.texts
        cols = st.columns(min(3, len(texts)))
        for i, text in enumerate(texts[:30]):
            label = (
                f"“{text}”"
                if question.topic != "date order"
                else _("“{text}”: e.g. {examples}").format(text=text, examples=", ".join(question.texts))
            )
            if question.topic == "owner role" and presenting():
                label = f"“{shown_names([text]).get(text, text)}”"
            cols[i % len(cols)].selectbox(
                label, options=[CHOOSE, *question.choices], format_func=_options(), key=_question_key(question, text)
            )


def _derived(result: PreparedSources) -> None:
    """The people and where their roles came from, the open pipeline, and the notes."""
    derivation = result.derivation
    assert derivation is not None
    for note in derivation.notes:
        st.caption(f":material/info: {md(note)}")
    for problem in derivation.problems:
        st.error(md(problem), icon=":material/error:")
    people = derivation.people.reset_index(drop=True)
    shown = people.copy()
    if presenting() and not shown.empty:
        shown["name"] = shown["name"].astype(str).map(shown_names(shown["name"].astype(str).tolist()))
    with st.expander(
        _("People ({n}) and where their roles come from").format(n=number(len(people))), icon=":material/group:"
    ):
        st.caption(
            _(
                "A role *inferred* from the kind of records can be changed here; a role from the people list is "
                "changed on the list."
            )
        )
        headers: dict[str, str | st.column_config.SelectboxColumn | None] = {
            c: _(PEOPLE_HEADERS[c]) for c in shown.columns if c in PEOPLE_HEADERS
        }
        headers["role"] = st.column_config.SelectboxColumn(_("role"), options=[*ROLES, "skip"])
        edited = st.data_editor(
            shown,
            column_config=headers,
            disabled=[c for c in shown.columns if c != "role"],
            hide_index=True,
            width="stretch",
            key="upc_people",
        )
        inferred = ~people["role_source"].astype(str).isin(["people list"])
        changed = inferred & edited["role"].astype(str).ne(people["role"].astype(str))
        if changed.any():
            roles = dict(st.session_state.get("upc_roles", {}))
            roles.update(
                {str(n): str(r) for n, r in zip(people.loc[changed, "name"], edited.loc[changed, "role"], strict=True)}
            )
            st.session_state["upc_roles"] = roles
            st.rerun()
    if not derivation.open_pipeline.empty:
        with st.expander(_("Open pipeline (shown, not scored)"), icon=":material/pending:"):
            pipeline = derivation.open_pipeline
            st.dataframe(
                pipeline,
                hide_index=True,
                width="stretch",
                column_config={c: _(PIPELINE_HEADERS[c]) for c in pipeline.columns if c in PIPELINE_HEADERS},
            )


def is_crm_export(source: Source, max_bytes: int) -> bool:
    """Whether one file is a CRM export or people list rather than the monthly table (remembered per file).

    A CSV whose first line is Coachwise's own headers is the monthly table without reading further (#17).
    """
    memo: dict[str, bool] = st.session_state.setdefault("upc_is_crm", {})
    sha = hashlib.sha256(source.data).hexdigest()
    if sha not in memo:
        own = canonical_headers(source.data) if source.filename.lower().endswith(".csv") else None
        try:
            kind = "monthly" if own and is_monthly_table(own) else recognise(first_look(source, max_bytes))[0]
        except (UnusableFile, KindProblem):
            kind = "monthly"  # the monthly path says what is wrong with it
        memo[sha] = kind != "monthly"
    return memo[sha]


def first_look(source: Source, max_bytes: int, sheet: str | None = None) -> RawTable:
    """The file as read (with ``sheet``), kept in the session for the page's reruns: recognising its kind, its
    headers, sheets and report all come from one read of every row.

    Raises:
        UnusableFile: The file cannot be read (one sentence).
    """
    key = (hashlib.sha256(source.data).hexdigest(), sheet)
    memo = st.session_state.get(FIRST_LOOK)
    if memo is not None and memo[0] == key:
        return cast(RawTable, memo[1])
    raw = read_table(source.data, source.filename, sheet=sheet, max_bytes=max_bytes)
    st.session_state[FIRST_LOOK] = (key, raw)
    return raw


def crm_files(sources: Sequence[Source], max_bytes: int) -> PreparedSources | None:
    """The CRM part of the page; the result when the derived table is ready to check and import, else None."""
    _reset_for_new_files(tuple(hashlib.sha256(s.data).hexdigest() for s in sources))
    result = _prepare(sources, max_bytes)
    _file_panels(sources, result)
    if result is None:
        return None
    _questions(result)
    if result.derivation is not None:
        _derived(result)
    if result.questions:
        return None
    if result.prepared is None:
        st.error(
            _(
                "These files give no person-month to work with; check that they are the exports you meant "
                "(the notes above say what was left out)."
            ),
            icon=":material/block:",
        )
        return None
    if result.problems:
        st.error(
            _(
                "A file gave nothing usable, so nothing can be imported yet: fix its kind or columns above, or "
                "remove it from the upload."
            ),
            icon=":material/block:",
        )
        return None
    return result


__all__ = ["crm_files", "is_crm_export"]
