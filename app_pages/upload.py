"""Upload: bring a team export in — preview, column mapping, validation report, then import."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath
from typing import Literal, cast

import pandas as pd
import streamlit as st

from app_pages.upload_crm import crm_files, first_look, is_crm_export
from core.governance.access import Viewer
from core.governance.alias import alias_upload_views
from core.i18n import N_
from core.ingest.ahead import canonical_headers
from core.ingest.importer import (
    IntoPlan,
    MappingProblem,
    OutOfScope,
    Prepared,
    UnusableFile,
    import_prepared,
    import_ready,
    import_summary,
    most_common_errors,
    plan_into,
    prepare,
    previous_imports,
    remembered_mapping,
    report_csv,
    role_key,
)
from core.ingest.reader import RawTable
from core.ingest.sources import Source
from core.ingest.template import template_csv, template_xlsx
from core.schema import CANONICAL_COLUMNS, COLUMN_DOCS, ROLES
from core.store.datasets import DatasetInfo, sha256_bytes
from core.store.db import STORE_ERRORS
from core.text import markdown_text as md
from ui.auth import require_page
from ui.dataset import active_dataset, all_datasets, dataset_picker, set_active, writable_datasets
from ui.downloads import MIME
from ui.i18n import _, moment, ngettext, number
from ui.redact import alias_key, show_name, shown_names
from ui.state import get_engine, presenting, show_store_error

NOT_IN_FILE = "— not in the file —"  # the select boxes' values; shown through _options()
CHOOSE = "— choose —"
SKIP = "skip these rows"
DONE = "up_done"  # what the last import stored, shown after the rerun that follows it
PREPARED = "up_prepared"  # (what it was prepared from, the Prepared file): preparing reads every row
REPORT_HEADERS = {
    "row": N_("row"),
    "column": N_("column"),
    "value": N_("value"),
    "reason": N_("reason"),
    "severity": N_("severity"),
}
"""The report's columns as the table shows them (its CSV keeps the English keys)."""


def upload() -> None:
    """The page: template, the file, its mapping and report, the import, and the stored datasets."""
    viewer = require_page("upload")
    if viewer is None:
        return
    st.title(_("Upload"))
    st.caption(
        _(
            "Bring your team's monthly table, or drop the CRM's own exports as they are — deals, calls, leads, "
            "account snapshots and the people list — and Coachwise derives the monthly table. Nothing is stored "
            "until you press **Import**; a failed import changes nothing."
        )
    )
    _template()
    if viewer.role == "consultant" and not presenting():
        st.info(
            _(
                "A client's file holds real people's names, so consultants upload with **presentation mode** on "
                "(sidebar): the preview, the report and every page then show aliases."
            ),
            icon=":material/co_present:",
        )
        return
    uploaded = st.file_uploader(
        _("Team export, or CRM exports and a people list (.csv, .txt or .xlsx; several at once)"),
        type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls"],  # .xls/.xlsm are accepted only to explain the refusal
        key="up_file",
        accept_multiple_files=True,
        help=_(
            "The monthly table (one row per person per month), or what the CRM exports as it is: deals or "
            "opportunities, calls or activities, leads, account snapshots, and the people list from HR."
        ),
    )
    if not uploaded:
        if DONE in st.session_state:
            st.success(st.session_state[DONE], icon=":material/check_circle:")
        _show_datasets(viewer)
        return
    sources = [Source(PurePath(f.name).name, f.getvalue()) for f in uploaded]
    max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    if len(sources) == 1 and not is_crm_export(sources[0], max_bytes):
        filename = sources[0].filename
        prepared = _prepared(viewer, sources[0].data, filename)
        if prepared is None:
            return
        _role_questions(prepared)
    else:
        result = crm_files(sources, max_bytes)
        if result is None or result.prepared is None:
            _show_datasets(viewer)
            return
        prepared, filename = result.prepared, result.prepared.filename
    _checked(prepared, filename)
    if not _import(viewer, prepared, filename):
        return
    if DONE in st.session_state:
        st.success(st.session_state[DONE], icon=":material/check_circle:")
    _show_datasets(viewer)


def _template() -> None:
    """The template downloads and the column guide."""
    with st.expander(_("Template and input format"), icon=":material/description:"):
        left, right = st.columns(2)
        left.download_button(
            _("Template (CSV)"),
            data=template_csv,
            file_name="coachwise-template.csv",
            mime=MIME["csv"],
            key="up_tpl_csv",
        )
        right.download_button(
            _("Template (Excel, with column guide)"),
            data=template_xlsx,
            file_name="coachwise-template.xlsx",
            mime=MIME["xlsx"],
            key="up_tpl_xlsx",
        )
        st.dataframe(
            pd.DataFrame(
                {_("column"): list(CANONICAL_COLUMNS), _("meaning"): [_(COLUMN_DOCS[c]) for c in CANONICAL_COLUMNS]}
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            _(
                "German and Dutch exports work as they are: `;` separators, decimal commas, `dd.mm.yyyy` dates, "
                "cp1252 files and headers such as *Anrufe* or *Gesprekken* are recognised."
            )
        )


def _reset_choices_for_new_file(sha: str) -> None:
    """A different file starts with no mapping, role or sheet choices from the one before."""
    if st.session_state.get("up_last_sha") != sha:
        for key in [
            k for k in st.session_state if str(k).startswith(("up_map_", "up_role_", "up_roletext_", "up_sheet"))
        ]:
            del st.session_state[key]
        st.session_state["up_last_sha"] = sha
        st.session_state.pop(DONE, None)


def _prepared(viewer: Viewer, data: bytes, filename: str) -> Prepared | None:
    """The file read with the chosen sheet and mapping, checked row by row; None after an error sentence."""
    # One limit for the browser and the reader: server.maxUploadSize in .streamlit/config.toml (MB).
    max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    sha = sha256_bytes(data)
    _reset_choices_for_new_file(sha)
    # A CSV in Coachwise's own layout is read once, the fast way, by prepare (#17); any other file is looked
    # at once per file and sheet and prepared from that same table.
    own_headers = canonical_headers(data) if PurePath(filename).suffix.lower() == ".csv" else None
    first_look: RawTable | None = None
    if own_headers is None:
        try:
            first_look = _first_look(data, filename, max_bytes)
        except UnusableFile as exc:
            st.error(str(exc), icon=":material/block:")
            _show_datasets(viewer)
            return None
        sheets: list[str] = list(first_look.sheets)
        if len(sheets) > 1:
            st.selectbox(_("Sheet"), options=sheets, index=sheets.index(str(first_look.sheet)), key="up_sheet")
    headers = [str(c) for c in first_look.frame.columns] if first_look is not None else (own_headers or [])
    remembered, remembered_roles = remembered_mapping(engine=get_engine(), headers=headers)
    if remembered:
        st.caption(":material/history: " + _("Using the column mapping you confirmed for a file with these headers."))
    chosen = _chosen_mapping()
    roles_answered = {**remembered_roles, **_role_answers()}
    sheet = first_look.sheet if first_look is not None else None
    memo_key = (sha, sheet, tuple(sorted(chosen.items())), tuple(sorted(roles_answered.items())))
    memo = st.session_state.get(PREPARED)
    mapping_error: str | None = None
    prepared: Prepared | None = None
    if memo is not None and memo[0] == memo_key:
        prepared = memo[1]
    else:
        try:
            with st.spinner(_("Reading and checking every row…")):
                prepared = prepare(
                    data,
                    filename,
                    sheet=sheet,
                    mapping=chosen,
                    remembered=remembered,
                    role_answers=roles_answered,
                    max_bytes=max_bytes,
                    raw=first_look,
                )
            st.session_state[PREPARED] = (memo_key, prepared)
        except MappingProblem as exc:
            mapping_error = str(exc)
        except UnusableFile as exc:
            st.error(str(exc), icon=":material/block:")
            return None
    if first_look is None:
        try:
            first_look = prepared.raw if prepared is not None else _first_look(data, filename, max_bytes)
        except UnusableFile as exc:
            st.error(str(exc), icon=":material/block:")
            return None
    _mapping(first_look, prepared.mapping if prepared is not None else chosen, expanded=mapping_error is not None)
    if mapping_error is not None or prepared is None:
        st.error(mapping_error or _("The column mapping is incomplete."), icon=":material/error:")
        _show_datasets(viewer)
        return None
    return prepared


def _first_look(data: bytes, filename: str, max_bytes: int) -> RawTable:
    """The file as read with the chosen sheet, kept in the session: a rerun (a mapping or role chosen) does not
    read every row again.

    Raises:
        UnusableFile: The file cannot be read (one sentence).
    """
    return first_look(Source(filename, data), max_bytes, st.session_state.get("up_sheet"))


def _chosen_mapping() -> dict[str, str | None]:
    """The columns chosen in the mapping select boxes so far (None: not in the file)."""
    chosen: dict[str, str | None] = {}
    for field in CANONICAL_COLUMNS:
        value = st.session_state.get(f"up_map_{field}")
        if value is not None:
            chosen[field] = None if value == NOT_IN_FILE else value
    return chosen


def _role_answers() -> dict[str, str]:
    """What each unknown role text was said to mean in the role select boxes so far."""
    answers: dict[str, str] = {}
    for key, value in st.session_state.items():
        if str(key).startswith("up_role_") and value != CHOOSE:
            text = st.session_state.get(f"up_roletext_{str(key)[len('up_role_') :]}")
            if text is not None:
                answers[str(text)] = "skip" if value == SKIP else str(value)
    return answers


def _options() -> Callable[[str], str]:
    """How a select box shows its options: the page's own choices in the reader's words, the file's headers as they are.

    The words are looked up now, in the run: Streamlit may call the function again outside it.
    """
    words = {NOT_IN_FILE: _("— not in the file —"), CHOOSE: _("— choose —"), SKIP: _("skip these rows")}
    return lambda value: words.get(value, value)


def _mapping(first_look: RawTable, mapping: dict[str, str | None], *, expanded: bool) -> None:
    """One select box per field: which of the file's columns holds it."""
    headers = [str(c) for c in first_look.frame.columns]
    mapping_now = {f: mapping.get(f) for f in CANONICAL_COLUMNS}
    found = sum(1 for f in CANONICAL_COLUMNS if mapping_now.get(f))
    with st.expander(
        _("Column mapping — {found} of {total} fields found in the file").format(
            found=number(found), total=number(len(CANONICAL_COLUMNS))
        ),
        expanded=expanded,
        icon=":material/swap_horiz:",
    ):
        options = [NOT_IN_FILE, *headers]
        cols = st.columns(3)
        for i, field in enumerate(CANONICAL_COLUMNS):
            current = mapping_now.get(field)
            cols[i % 3].selectbox(
                field,
                options=options,
                index=options.index(current) if current in options else 0,
                format_func=_options(),
                key=f"up_map_{field}",
                help=_(COLUMN_DOCS[field]),
            )


def _role_questions(prepared: Prepared) -> None:
    """A select box for each role value Coachwise does not know."""
    if not prepared.role_questions:
        return
    count = len(prepared.role_questions)
    st.warning(
        ngettext(
            "{n} role value is not one Coachwise knows. Tell it what it means; the answer is remembered for "
            "files with the same headers.",
            "{n} role values are not ones Coachwise knows. Tell it what each means; the answer is remembered for "
            "files with the same headers.",
            count,
        ).format(n=number(count)),
        icon=":material/help:",
    )
    role_cols = st.columns(min(3, len(prepared.role_questions)))
    for i, text in enumerate(prepared.role_questions):
        suffix = role_key(text)
        st.session_state[f"up_roletext_{suffix}"] = text
        answer = prepared.role_answers.get(text)
        choices = [CHOOSE, *ROLES, SKIP]
        role_cols[i % len(role_cols)].selectbox(
            _("“{text}” means").format(text=text),
            options=choices,
            index=choices.index(SKIP if answer == "skip" else answer) if answer else 0,
            format_func=_options(),
            key=f"up_role_{suffix}",
        )


def _checked(prepared: Prepared, filename: str) -> None:
    """The counts, the preview and the validation report (names as aliases in presentation mode)."""
    preview = prepared.raw.frame.head(20).astype(str)
    report, notes = prepared.report, prepared.warnings
    if presenting():
        name_headers = [h for h in (prepared.mapping.get("name"), prepared.mapping.get("manager")) if h]
        preview, report, notes = alias_upload_views(preview, report, notes, name_headers, alias_key())
    for note in notes:
        st.caption(f":material/info: {md(note)}")
    warnings = report[report["severity"] == "warning"]
    m = st.columns(4)
    m[0].metric(_("Person-months derived") if prepared.sources else _("Rows in the file"), number(prepared.rows_total))
    m[1].metric(_("Will be imported"), number(prepared.rows_valid))
    m[2].metric(_("Will be skipped"), number(prepared.rows_rejected))
    m[3].metric(_("Warnings"), number(len(warnings)))

    tab_preview, tab_report = st.tabs([_("Preview"), _("Report ({n})").format(n=number(len(report)))])
    with tab_preview:
        if prepared.sources:
            st.caption(
                _("The derived monthly table (people × months, every count), first rows of {n}").format(
                    n=number(len(prepared.frame))
                )
            )
        elif prepared.raw.sheet:
            st.caption(
                md(
                    _("The first rows as read from {file}, sheet “{sheet}”").format(
                        file=filename, sheet=prepared.raw.sheet
                    )
                )
            )
        else:
            st.caption(md(_("The first rows as read from {file}").format(file=filename)))
        preview.insert(0, _("row"), prepared.raw.row_numbers[: len(preview)])
        st.dataframe(preview, hide_index=True, width="stretch")
    with tab_report:
        _report(replace(prepared, report=report), filename)


def _report(prepared: Prepared, filename: str) -> None:
    """The report tab: the most common errors, every row's problem, and the report as CSV."""
    report = prepared.report
    if report.empty:
        st.success(_("Every row is valid."), icon=":material/check_circle:")
        return
    reasons = most_common_errors(report)
    if reasons:
        st.markdown(
            _("**Most common errors:** {errors}").format(errors="; ".join(f"{r} ({number(n)})" for r, n in reasons))
        )
    severities = {"error": _("error"), "warning": _("warning")}
    shown = report.assign(severity=report["severity"].map(lambda s: severities.get(str(s), s)))
    shown = shown.rename(columns={c: _(REPORT_HEADERS[c]) for c in report.columns if c in REPORT_HEADERS})
    st.dataframe(shown, hide_index=True, width="stretch", height=320)
    st.download_button(
        _("Download the report (CSV)"),
        data=lambda: report_csv(prepared).encode("utf-8"),
        file_name=f"{PurePath(filename).stem}-report.csv",
        mime=MIME["csv"],
        key="up_report_csv",
    )


def _import(viewer: Viewer, prepared: Prepared, filename: str) -> bool:
    """Where the rows go (a new dataset or an existing one, replace or keep clashing rows), and the import.

    False when an import was refused: the page ends with the refusal.
    """
    engine = get_engine()
    earlier = previous_imports(engine=engine, sha256=prepared.sha256)
    if earlier:
        last = earlier[0]
        st.warning(
            _(
                "This exact file was already imported on {when} UTC into “{dataset}”. Importing it again creates "
                "a second copy."
            ).format(when=moment(last.imported_at), dataset=md(last.dataset_name)),
            icon=":material/content_copy:",
        )
    st.subheader(_("Import"))
    datasets = writable_datasets(viewer)
    targets = {"new": _("a new dataset"), "existing": _("an existing dataset (e.g. a later month)")}
    target = st.radio(
        _("Import into"),
        options=["new", "existing"],
        format_func=targets.__getitem__,
        horizontal=True,
        key="up_target",
        disabled=not datasets,
    )
    name: str | None = None
    into: int | None = None
    overlap: str | None = None
    clash = 0
    if target == "new" or not datasets:
        default = PurePath(filename).stem
        if prepared.sources:
            more = len(prepared.sources) - 1
            default = ngettext("{first} and {n} more file", "{first} and {n} more files", more).format(
                first=PurePath(prepared.sources[0].filename).stem, n=number(more)
            )
        name = st.text_input(_("Name of the new dataset"), value=default, key="up_name", max_chars=200)
    else:
        chosen = _existing(viewer, prepared, datasets)
        if chosen is None:
            return True
        into, clash, overlap = chosen
    rows = ngettext("Import {n} row", "Import {n} rows", prepared.rows_valid).format(n=number(prepared.rows_valid))
    label = (
        _("{import_rows}, skip {n}").format(import_rows=rows, n=number(prepared.rows_rejected))
        if prepared.rows_rejected
        else rows
    )
    ready = import_ready(prepared, name=name, into=into, clash=clash, overlap=overlap)
    if st.button(label, type="primary", disabled=not ready, key="up_import"):
        return _store(viewer, prepared, filename, name=name if into is None else None, into=into, overlap=overlap)
    return True


def _existing(viewer: Viewer, prepared: Prepared, datasets: list[DatasetInfo]) -> tuple[int, int, str | None] | None:
    """The dataset to add to, how many rows clash, and replace or keep; None after a refusal (no Import button)."""
    labels = {d.id: f"{d.name} · {d.created_at:%Y-%m-%d %H:%M}" for d in datasets}
    into = int(st.selectbox(_("Dataset"), options=list(labels), format_func=labels.__getitem__, key="up_into"))
    if not prepared.rows_valid:
        return into, 0, None
    try:
        plan = plan_into(engine=get_engine(), prepared=prepared, into=into, viewer=viewer)
    except ValueError as exc:  # the dataset was deleted meanwhile
        st.error(str(exc))
        return None
    if plan.refusal is not None:
        _refused(plan.refusal)
        return None
    overlap: str | None = None
    if plan.clash:
        choices = {"replace": _("replace them with this file's rows"), "keep": _("keep the stored rows")}
        overlap = st.radio(
            ngettext(
                "{n} row is for a person and month this dataset already holds",
                "{n} rows are for people and months this dataset already holds",
                plan.clash,
            ).format(n=number(plan.clash)),
            options=["replace", "keep"],
            format_func=choices.__getitem__,
            index=None,
            key="up_overlap",
        )
        _changed_people(plan)
    return into, plan.clash, overlap


def _store(
    viewer: Viewer, prepared: Prepared, filename: str, *, name: str | None, into: int | None, overlap: str | None
) -> bool:
    """Import, make the dataset active and rerun; False after saying why an import was refused (nothing stored)."""
    with st.status(_("Importing…"), expanded=False) as status:
        try:
            outcome = import_prepared(
                engine=get_engine(),
                prepared=prepared,
                name=name,
                into=into,
                overlap=cast(Literal["replace", "keep"] | None, overlap),
                viewer=viewer,
            )
        except OutOfScope as exc:  # checked before the button, but the stored people may have changed since
            status.update(label=_("Import refused — nothing was stored"), state="error")
            _refused(exc)
            return False
        except ValueError as exc:  # a refusal, or the store stayed busy (another import into it)
            status.update(label=_("Import failed — nothing was stored"), state="error")
            st.error(str(exc))
            return False
        except STORE_ERRORS as exc:  # read-only, full or unreachable: one sentence, and the status ends
            status.update(label=_("Import failed — nothing was stored"), state="error")
            show_store_error(exc)
            return False
        status.update(label=_("Imported"), state="complete")
    set_active(outcome.dataset_id)
    st.session_state[DONE] = import_summary(outcome, filename)
    st.session_state.pop(PREPARED, None)
    st.rerun()
    return True  # not reached: st.rerun() ends the run


def _literal(text: str) -> str:
    """Text that Markdown shows as typed (a name with ``*`` or ``$`` is not formatting)."""
    return re.sub(r"([\\`*_\[\]$<>#~|])", r"\\\1", text)


def _refused(refusal: OutOfScope) -> None:
    """The refusal of an import outside the viewer's scope, naming the person as this session may show them."""
    st.error(_literal(refusal.sentence(show_name(refusal.name) if refusal.name else None)), icon=":material/block:")


def _changed_people(plan: IntoPlan) -> None:
    """Before a replace: who it changes (names as aliases in presentation mode), as the audit entry will list them."""
    if plan.changed.empty:
        return
    shown = shown_names(plan.changed["name"].astype(str).tolist())
    st.caption(
        ngettext(
            "Replacing changes the stored rows or details of {n} person; the import's audit entry names them.",
            "Replacing changes the stored rows or details of {n} people; the import's audit entry names them.",
            len(plan.changed),
        ).format(n=number(len(plan.changed)))
    )
    st.dataframe(
        pd.DataFrame({_("name"): plan.changed["name"].astype(str).map(shown), "rep_id": plan.changed["rep_id"]}),
        hide_index=True,
        width="stretch",
        height=min(320, 38 + 35 * len(plan.changed)),
    )


def _show_datasets(viewer: Viewer) -> None:
    """The stored datasets, and which one the other pages use."""
    st.subheader(_("Datasets"))
    datasets = all_datasets(viewer)
    current = active_dataset(viewer)
    if not datasets or current is None:
        st.info(_("No dataset stored yet."))
        return
    demo = _(" (demo)")
    table = pd.DataFrame(
        {
            _("active"): [d.id == current.id for d in datasets],
            _("name"): [d.name + (demo if d.is_demo else "") for d in datasets],
            _("imported (UTC)"): [d.created_at.strftime("%Y-%m-%d %H:%M") for d in datasets],
            _("file"): [d.source_filename for d in datasets],
            _("rows"): [d.row_count for d in datasets],
            _("people"): [d.people for d in datasets],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    dataset_picker(datasets, current, key="up_active", label=_("Dataset the other pages use"))
