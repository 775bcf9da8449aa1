"""Data retention: delete a dataset for good (with confirmation), and set how long real datasets are kept."""

from __future__ import annotations

import streamlit as st

from core.governance.retention import (
    MAX_DAYS,
    apply_retention,
    datasets_table,
    delete_dataset,
    due_for_deletion,
    last_imports,
    name_confirms,
    retention_days,
    set_retention_days,
)
from core.store.datasets import DatasetInfo
from core.text import markdown_text as md
from ui import cache
from ui.auth import current_user, require_page
from ui.dataset import all_datasets, forget_active, is_active
from ui.i18n import _, ngettext, number, table_datetime_format
from ui.state import get_engine

DONE = "rt_done"  # a message to show after the rerun that follows a change


def retention() -> None:
    """The page: the datasets, deleting one, and the retention period."""
    viewer = require_page("retention")
    if viewer is None:
        return
    st.title(_("Data retention"))
    st.caption(
        _(
            "Performance scores of named employees are personal data: keep them only as long as they are needed. "
            "Deleting a dataset removes its people, monthly rows, imports, tier overrides, chain edits, plan edits, "
            "check-ins and HR cases, and compacts the database so they are gone from its files. The audit trail "
            "keeps a record of the deletion (IDs and a row count, no names). Copies outside Coachwise — backups, "
            "downloaded files — are not touched."
        )
    )
    done = st.session_state.pop(DONE, None)
    if done:
        kind, text = done
        (st.success if kind == "ok" else st.warning)(text)

    engine = get_engine()
    datasets = all_datasets(viewer)
    days = retention_days(engine=engine)
    due = set(due_for_deletion(engine=engine, days=days)) if days else set()
    _datasets(datasets, due)
    _period(days)
    if due:
        _due_now(datasets, due)


def _datasets(datasets: list[DatasetInfo], due: set[int]) -> None:
    """The stored datasets, and the confirmed deletion of one."""
    st.subheader(_("Datasets"))
    if not datasets:
        st.info(_("No datasets are stored."))
        return
    when = table_datetime_format()
    st.dataframe(
        datasets_table(datasets, last=last_imports(engine=get_engine()), due=due),
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn(_("id")),
            "name": st.column_config.TextColumn(_("name")),
            "created": st.column_config.DatetimeColumn(_("created (UTC)"), format=when),
            "last import": st.column_config.DatetimeColumn(_("last import (UTC)"), format=when),
            "rows": st.column_config.NumberColumn(_("rows")),
            "people": st.column_config.NumberColumn(_("people")),
            "demo": st.column_config.CheckboxColumn(_("demo"), help=_("A generated team: invented people")),
            "due for deletion": st.column_config.CheckboxColumn(_("due for deletion")),
        },
    )

    st.subheader(_("Delete a dataset"))
    by_id = {d.id: d for d in datasets}
    chosen = st.selectbox(
        _("Dataset"),
        options=list(by_id),
        format_func=lambda i: _("{name} · id {id} · {people} people · {rows} rows").format(
            name=by_id[i].name, id=i, people=number(by_id[i].people), rows=number(by_id[i].row_count)
        ),
        key="rt_dataset",
    )
    target = by_id[int(chosen)]
    warning = _(
        "This deletes **{name}** for good: {people} people, {rows} monthly rows and everything recorded about "
        "them. It cannot be undone."
    ).format(name=md(target.name), people=number(target.people), rows=number(target.row_count))
    if is_active(target.id):
        warning += " " + _("It is the dataset the pages show now; they will switch to the newest other one.")
    st.warning(warning, icon=":material/warning:")
    typed = st.text_input(
        _("To confirm, type the dataset's name: **{name}**").format(name=target.name), key="rt_confirm"
    )
    st.button(
        _("Delete for good"),
        key="rt_delete",
        type="primary",
        disabled=not name_confirms(typed, target.name),
        on_click=_delete,
        args=(target.id, target.name),
        icon=":material/delete_forever:",
    )


def _period(days: int | None) -> None:
    """The retention period in force, and the switch and number of days to change it."""
    st.subheader(_("Retention period"))
    st.markdown(
        _(
            "Delete real datasets automatically when no file has been imported into them for a number of days. "
            "Checked when the app starts and by `python -m core init-db`. Demo teams are kept: their people are "
            "invented."
        )
    )
    if days is None:
        st.caption(_("Now: off."))
    else:
        st.caption(
            ngettext("Now: {n} day after the last import.", "Now: {n} days after the last import.", days).format(
                n=number(days)
            )
        )
    c1, c2 = st.columns([1, 2])
    on = c1.toggle(_("Delete automatically"), value=days is not None, key="rt_on")
    wanted = c2.number_input(
        _("Days after the last import"),
        min_value=1,
        max_value=MAX_DAYS,
        value=days or 365,
        step=30,
        key="rt_days",
        disabled=not on,
    )
    new_days = int(wanted) if on else None
    if st.button(_("Save retention period"), key="rt_save", disabled=new_days == days):
        try:
            set_retention_days(engine=get_engine(), days=new_days, actor=current_user())
        except ValueError as exc:
            st.error(str(exc))
        else:
            if new_days is None:
                text = _("Automatic deletion is off.")
            else:
                text = ngettext("Real datasets are kept {n} day.", "Real datasets are kept {n} days.", new_days).format(
                    n=number(new_days)
                )
            st.session_state[DONE] = ("ok", text)
            st.rerun()


def _due_now(datasets: list[DatasetInfo], due: set[int]) -> None:
    """The datasets the period in force deletes at the next start, and applying it now (after a tick)."""
    names = ", ".join(f"'{md(d.name)}'" for d in datasets if d.id in due)
    st.warning(
        ngettext(
            "With the period in force, {n} dataset will be deleted at the next start: {names}.",
            "With the period in force, {n} datasets will be deleted at the next start: {names}.",
            len(due),
        ).format(n=len(due), names=names)
    )
    confirm = st.checkbox(_("I understand these datasets will be deleted for good"), key="rt_apply_ok")
    st.button(_("Apply the retention period now"), key="rt_apply", disabled=not confirm, on_click=_apply_now)


def _forget(deleted: set[int]) -> None:
    """After a deletion: no cached frames of it stay in memory, and no session keeps it active."""
    cache.forget_all()
    forget_active(deleted)


def _delete(dataset_id: int, name: str) -> None:
    """The delete button's callback: delete once the name is typed, and say what happened after the rerun."""
    if not name_confirms(str(st.session_state.get("rt_confirm", "")), name):  # the button's disabled state, again
        st.session_state[DONE] = ("warn", _("Type the dataset's name to confirm the deletion."))
        return
    try:
        result = delete_dataset(engine=get_engine(), dataset_id=dataset_id, actor=current_user())
    except ValueError as exc:
        st.session_state[DONE] = ("warn", str(exc))
        return
    _forget({dataset_id})
    st.session_state["rt_confirm"] = ""
    text = _("Deleted '{name}' ({rows} rows).").format(name=md(name), rows=number(result.rows))
    if not result.compacted:
        text += " " + _("The database could not be compacted now; the next deletion will.")
    st.session_state[DONE] = ("ok", text)


def _apply_now() -> None:
    """The apply button's callback: the period deletes what is due now."""
    deleted = apply_retention(engine=get_engine())
    _forget({d.dataset_id for d in deleted})
    st.session_state["rt_apply_ok"] = False
    st.session_state[DONE] = (
        "ok",
        ngettext(
            "The retention period deleted {n} dataset.", "The retention period deleted {n} datasets.", len(deleted)
        ).format(n=len(deleted)),
    )
