"""Upload: bring a team export in — preview, column mapping, validation report, then import."""

from dataclasses import replace
from pathlib import PurePath

import pandas as pd
import streamlit as st

from core.governance.alias import alias_upload_views
from core.ingest.importer import (
    MappingProblem,
    UnusableFile,
    import_prepared,
    prepare,
    previous_imports,
    remembered_mapping,
    report_csv,
    role_key,
)
from core.ingest.reader import read_table
from core.ingest.template import template_csv, template_xlsx
from core.schema import CANONICAL_COLUMNS, COLUMN_DOCS, ROLES
from core.store.datasets import count_overlap, sha256_bytes
from ui.auth import alias_key, presenting, require_page
from ui.state import ACTIVE_DATASET, active_dataset, all_datasets, current_user, get_engine

NOT_IN_FILE = "— not in the file —"
CHOOSE = "— choose —"
SKIP = "skip these rows"

viewer = require_page("upload")
st.title("Upload")
st.caption(
    "Bring your team's export as CSV or Excel: one row per person per month. Nothing is stored until you "
    "press **Import**; a failed import changes nothing."
)

with st.expander("Template and input format", icon=":material/description:"):
    left, right = st.columns(2)
    left.download_button(
        "Template (CSV)", data=template_csv, file_name="coachwise-template.csv", mime="text/csv", key="up_tpl_csv"
    )
    right.download_button(
        "Template (Excel, with column guide)",
        data=template_xlsx,
        file_name="coachwise-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="up_tpl_xlsx",
    )
    st.dataframe(
        pd.DataFrame({"column": list(CANONICAL_COLUMNS), "meaning": [COLUMN_DOCS[c] for c in CANONICAL_COLUMNS]}),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "German and Dutch exports work as they are: `;` separators, decimal commas, `dd.mm.yyyy` dates, "
        "cp1252 files and headers such as *Anrufe* or *Gesprekken* are recognised."
    )

if viewer.role == "consultant" and not presenting():
    st.info(
        "A client's file holds real people's names, so consultants upload with **presentation mode** on "
        "(sidebar): the preview, the report and every page then show aliases.",
        icon=":material/co_present:",
    )
    st.stop()

engine = get_engine()
# One limit for the browser and the reader: server.maxUploadSize in .streamlit/config.toml (MB).
max_bytes = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
uploaded = st.file_uploader(
    "Team export (.csv, .txt or .xlsx)",
    type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls"],  # .xls/.xlsm are accepted only to explain the refusal
    key="up_file",
)


def _reset_choices_for_new_file(sha: str) -> None:
    if st.session_state.get("up_last_sha") != sha:
        for key in [
            k for k in st.session_state if str(k).startswith(("up_map_", "up_role_", "up_roletext_", "up_sheet"))
        ]:
            del st.session_state[key]
        st.session_state["up_last_sha"] = sha
        st.session_state.pop("up_done", None)


def _show_datasets() -> None:
    st.subheader("Datasets")
    datasets = all_datasets()
    current = active_dataset()
    if not datasets or current is None:
        st.info("No dataset stored yet.")
        return
    table = pd.DataFrame(
        {
            "active": [d.id == current.id for d in datasets],
            "name": [d.name + (" (demo)" if d.is_demo else "") for d in datasets],
            "imported (UTC)": [d.created_at.strftime("%Y-%m-%d %H:%M") for d in datasets],
            "file": [d.source_filename for d in datasets],
            "rows": [d.row_count for d in datasets],
            "people": [d.people for d in datasets],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    labels = {d.id: f"{d.name} · {d.created_at:%Y-%m-%d %H:%M}" for d in datasets}
    st.selectbox(
        "Dataset the other pages use",
        options=list(labels),
        index=list(labels).index(current.id),
        format_func=labels.__getitem__,
        key="up_active",
        on_change=lambda: st.session_state.update({ACTIVE_DATASET: st.session_state["up_active"]}),
    )


if "up_done" in st.session_state and uploaded is None:
    st.success(st.session_state["up_done"], icon=":material/check_circle:")

if uploaded is None:
    _show_datasets()
    st.stop()

data = uploaded.getvalue()
sha = sha256_bytes(data)
_reset_choices_for_new_file(sha)
filename = PurePath(uploaded.name).name

try:
    first_look = read_table(data, filename, sheet=st.session_state.get("up_sheet"), max_bytes=max_bytes)
except UnusableFile as exc:
    st.error(str(exc), icon=":material/block:")
    _show_datasets()
    st.stop()

if len(first_look.sheets) > 1:
    st.selectbox("Sheet", options=first_look.sheets, index=first_look.sheets.index(first_look.sheet), key="up_sheet")

headers = [str(c) for c in first_look.frame.columns]
remembered, remembered_roles = remembered_mapping(engine=engine, headers=headers)
if remembered:
    st.caption(":material/history: Using the column mapping you confirmed for a file with these headers.")

chosen: dict[str, str | None] = {}
for field in CANONICAL_COLUMNS:
    value = st.session_state.get(f"up_map_{field}")
    if value is not None:
        chosen[field] = None if value == NOT_IN_FILE else value
roles_answered = dict(remembered_roles)
for key, value in st.session_state.items():
    if str(key).startswith("up_role_") and value != CHOOSE:
        text = st.session_state.get(f"up_roletext_{str(key)[len('up_role_') :]}")
        if text is not None:
            roles_answered[str(text)] = "skip" if value == SKIP else str(value)

memo_key = (sha, first_look.sheet, tuple(sorted(chosen.items())), tuple(sorted(roles_answered.items())))
memo = st.session_state.get("up_prepared")
mapping_error: str | None = None
if memo is None or memo[0] != memo_key:
    try:
        with st.spinner("Reading and checking every row…"):
            prepared = prepare(
                data,
                filename,
                sheet=first_look.sheet,
                mapping=chosen,
                remembered=remembered,
                role_answers=roles_answered,
                max_bytes=max_bytes,
            )
        st.session_state["up_prepared"] = (memo_key, prepared)
    except MappingProblem as exc:
        mapping_error = str(exc)
        prepared = None
    except UnusableFile as exc:
        st.error(str(exc), icon=":material/block:")
        st.stop()
else:
    prepared = memo[1]

mapping_now = prepared.mapping if prepared is not None else {f: chosen.get(f) for f in CANONICAL_COLUMNS}
found = sum(1 for f in CANONICAL_COLUMNS if mapping_now.get(f))
with st.expander(
    f"Column mapping — {found} of {len(CANONICAL_COLUMNS)} fields found in the file",
    expanded=mapping_error is not None,
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
            key=f"up_map_{field}",
            help=COLUMN_DOCS[field],
        )

if mapping_error is not None or prepared is None:
    st.error(mapping_error or "The column mapping is incomplete.", icon=":material/error:")
    _show_datasets()
    st.stop()

if prepared.role_questions:
    st.warning(
        f"{len(prepared.role_questions)} role value(s) are not ones Coachwise knows. Tell it what each means; "
        "the answer is remembered for files with the same headers.",
        icon=":material/help:",
    )
    role_cols = st.columns(min(3, len(prepared.role_questions)))
    for i, text in enumerate(prepared.role_questions):
        suffix = role_key(text)
        st.session_state[f"up_roletext_{suffix}"] = text
        answer = prepared.role_answers.get(text)
        choices = [CHOOSE, *ROLES, SKIP]
        role_cols[i % len(role_cols)].selectbox(
            f"“{text}” means",
            options=choices,
            index=choices.index(SKIP if answer == "skip" else answer) if answer else 0,
            key=f"up_role_{suffix}",
        )

preview = prepared.raw.frame.head(20).astype(str)
report, notes = prepared.report, prepared.warnings
if presenting():
    name_headers = [h for h in (prepared.mapping.get("name"), prepared.mapping.get("manager")) if h]
    preview, report, notes = alias_upload_views(preview, report, notes, name_headers, alias_key())
for note in notes:
    st.caption(f":material/info: {note}")

errors = report[report["severity"] == "error"]
warnings = report[report["severity"] == "warning"]
m = st.columns(4)
m[0].metric("Rows in the file", f"{prepared.rows_total:,}")
m[1].metric("Will be imported", f"{prepared.rows_valid:,}")
m[2].metric("Will be skipped", f"{prepared.rows_rejected:,}")
m[3].metric("Warnings", f"{len(warnings):,}")

tab_preview, tab_report = st.tabs(["Preview", f"Report ({len(report):,})"])
with tab_preview:
    st.caption(
        f"The first rows as read from {filename}" + (f", sheet “{prepared.raw.sheet}”" if prepared.raw.sheet else "")
    )
    preview.insert(0, "row", prepared.raw.row_numbers[: len(preview)])
    st.dataframe(preview, hide_index=True, width="stretch")
with tab_report:
    if report.empty:
        st.success("Every row is valid.", icon=":material/check_circle:")
    else:
        reasons = errors.groupby("reason").size().sort_values(ascending=False).head(5)
        if len(reasons):
            st.markdown("**Most common errors:** " + "; ".join(f"{r} ({n:,})" for r, n in reasons.items()))
        st.dataframe(report, hide_index=True, width="stretch", height=320)
        st.download_button(
            "Download the report (CSV)",
            data=lambda: report_csv(replace(prepared, report=report)).encode("utf-8"),
            file_name=f"{PurePath(filename).stem}-report.csv",
            mime="text/csv",
            key="up_report_csv",
        )

earlier = previous_imports(engine=engine, sha256=prepared.sha256)
if earlier:
    last = earlier[0]
    st.warning(
        f"This exact file was already imported on {last.imported_at:%d %b %Y at %H:%M} UTC into "
        f"“{last.dataset_name}”. Importing it again creates a second copy.",
        icon=":material/content_copy:",
    )

st.subheader("Import")
datasets = all_datasets()
target = st.radio(
    "Import into",
    options=["new", "existing"],
    format_func={"new": "a new dataset", "existing": "an existing dataset (e.g. a later month)"}.__getitem__,
    horizontal=True,
    key="up_target",
    disabled=not datasets,
)
name: str | None = None
into: int | None = None
overlap: str | None = None
clash = 0
if target == "new" or not datasets:
    name = st.text_input("Name of the new dataset", value=PurePath(filename).stem, key="up_name", max_chars=200)
else:
    labels = {d.id: f"{d.name} · {d.created_at:%Y-%m-%d %H:%M}" for d in datasets}
    into = st.selectbox("Dataset", options=list(labels), format_func=labels.__getitem__, key="up_into")
    clash = count_overlap(engine=engine, dataset_id=into, frame=prepared.frame) if prepared.rows_valid else 0
    if clash:
        overlap = st.radio(
            f"{clash:,} rows are for people and months this dataset already holds",
            options=["replace", "keep"],
            format_func={"replace": "replace them with this file's rows", "keep": "keep the stored rows"}.__getitem__,
            index=None,
            key="up_overlap",
        )

blocked = prepared.rows_valid == 0 or (
    into is not None
    and overlap is None
    and st.session_state.get("up_overlap") is None
    and count_overlap(engine=engine, dataset_id=into, frame=prepared.frame) > 0
)
label = f"Import {prepared.rows_valid:,} rows" + (
    f", skip {prepared.rows_rejected:,}" if prepared.rows_rejected else ""
)
if st.button(label, type="primary", disabled=blocked or (name is not None and not name.strip()), key="up_import"):
    with st.status("Importing…", expanded=False) as status:
        try:
            outcome = import_prepared(
                engine=engine,
                prepared=prepared,
                name=name if into is None else None,
                into=into,
                overlap=overlap,  # type: ignore[arg-type]
                actor=current_user(),
            )
        except ValueError as exc:
            status.update(label="Import failed — nothing was stored", state="error")
            st.error(str(exc))
            st.stop()
        status.update(label="Imported", state="complete")
    st.session_state[ACTIVE_DATASET] = outcome.dataset_id
    st.session_state["up_done"] = (
        f"Imported {outcome.added:,} rows from {filename}"
        + (f", replaced {outcome.replaced:,}" if outcome.replaced else "")
        + (f", kept {outcome.kept:,} stored rows" if outcome.kept else "")
        + (f"; skipped {outcome.rejected:,} invalid rows" if outcome.rejected else "")
        + ". It is now the active dataset."
    )
    st.session_state.pop("up_prepared", None)
    st.rerun()

if "up_done" in st.session_state:
    st.success(st.session_state["up_done"], icon=":material/check_circle:")
_show_datasets()
