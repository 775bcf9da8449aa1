"""Users (admin): who may sign in, with which role, and whose people a manager sees."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.governance.access import ROLE_HELP, ROLE_LABELS, ROLES
from core.governance.users import USER_NAME_COLUMNS, UserInfo, create_user, list_users, update_user, users_table
from core.store.db import STORE_ERRORS
from ui.auth import credentials_changed, current_user, oidc_configured, require_page
from ui.i18n import _
from ui.redact import name_key, show_name
from ui.state import get_engine, presenting, reset_on_next_run, show_store_error


def users() -> None:
    """The page: the accounts, then (unless presenting) the forms to add and change one."""
    viewer = require_page("users")
    if viewer is None:
        return
    st.title(_("Users"))
    sso = oidc_configured()
    roles = " · ".join(f"**{_(ROLE_LABELS[r])}** — {_(ROLE_HELP[r])}" for r in ROLES)
    st.caption(_("Roles: {roles}. Every change is written to the audit trail.").format(roles=roles))
    if sso:
        st.info(
            _(
                "Sign-in uses your identity provider (OpenID Connect): give each account the e-mail it signs in "
                "with. Passwords are not used."
            ),
            icon=":material/key:",
        )
    accounts = list_users(engine=get_engine())
    _accounts(accounts)
    if presenting():
        st.info(_("Accounts cannot be changed in presentation mode, because names are shown as aliases."))
        return
    left, right = st.columns(2)
    _add_form(left, first=not accounts, sso=sso)
    if accounts:
        _change_form(right, accounts, sso=sso)


def _accounts(accounts: list[UserInfo]) -> None:
    """The accounts as a table (names as aliases in presentation mode), or how the first one is made."""
    if not accounts:
        st.info(
            _(
                "No accounts yet, so Coachwise runs as the single local admin. The first account must be an admin "
                "— yours. Once it exists, everyone signs in, including you."
            ),
            icon=":material/person_add:",
        )
        return
    table = users_table(accounts)
    if presenting():
        for column in USER_NAME_COLUMNS:
            table[column] = table[column].map(show_name)
    table["role"] = table["role"].map(_)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "user": st.column_config.TextColumn(_("user")),
            "name": st.column_config.TextColumn(_("name")),
            "e-mail": st.column_config.TextColumn(_("e-mail")),
            "role": st.column_config.TextColumn(_("role")),
            "manager name in the data": st.column_config.TextColumn(_("manager name in the data")),
            "teams": st.column_config.TextColumn(_("teams")),
            "active": st.column_config.CheckboxColumn(_("active")),
            "password": st.column_config.CheckboxColumn(_("password")),
            "changed (UTC)": st.column_config.TextColumn(_("changed (UTC)")),
        },
    )


_ADD_TEXT_FIELDS = (
    "us_add_name",
    "us_add_display",
    "us_add_email",
    "us_add_password",
    "us_add_manager",
    "us_add_teams",
)


def _add_form(where: DeltaGenerator, *, first: bool, sso: bool) -> None:
    """The form that adds an account (the first one defaults to admin)."""
    with where.form("us_add_form"):
        st.markdown(_("**Add a user**"))
        username = st.text_input(_("User name"), key="us_add_name", placeholder=_("e.g. mia.wolf"))
        role = st.selectbox(
            _("Role"), ROLES, format_func=lambda r: _(ROLE_LABELS[r]), key="us_add_role", index=0 if first else 1
        )
        display = st.text_input(_("Full name (optional)"), key="us_add_display")
        email = st.text_input(
            _("E-mail (the one they sign in with)") if sso else _("E-mail (optional)"), key="us_add_email"
        )
        password = "" if sso else st.text_input(_("Password (10+ characters)"), type="password", key="us_add_password")
        manager = st.text_input(
            _("Manager name as it appears in the data (managers)"), key="us_add_manager", help=_("e.g. 'Anna Berg'")
        )
        teams = st.text_area(_("Teams they see (managers, one per line)"), key="us_add_teams")
        if st.form_submit_button(_("Add user"), type="primary", key="us_add_save"):
            try:
                create_user(
                    engine=get_engine(),
                    username=username,
                    role=str(role),
                    actor=current_user(),
                    password=password or None,
                    email=email or None,
                    display_name=display,
                    manager_name=manager,
                    teams=teams,
                )
            except ValueError as exc:  # a refusal, or the store stayed busy: what was typed stays
                st.error(str(exc))
            except STORE_ERRORS as exc:
                show_store_error(exc)
            else:
                reset_on_next_run(**dict.fromkeys(_ADD_TEXT_FIELDS, ""))
                st.rerun()


def _change_form(where: DeltaGenerator, accounts: list[UserInfo], *, sso: bool) -> None:
    """A user picker and the form that changes that account's role, state, e-mail, password and scope."""
    by_name = {u.username: u for u in accounts}
    where.markdown(_("**Change a user**"))
    chosen = where.selectbox(_("User"), list(by_name), key=name_key("us_edit_user"))
    user = by_name[str(chosen)]
    with where.form(f"us_edit_form_{user.id}"):
        new_role = st.selectbox(
            _("Role"),
            ROLES,
            index=ROLES.index(user.role),
            format_func=lambda r: _(ROLE_LABELS[r]),
            key=f"us_edit_role_{user.id}",
        )
        active = st.checkbox(_("Active (may sign in)"), value=user.active, key=f"us_edit_active_{user.id}")
        new_email = st.text_input(_("E-mail"), value=user.email or "", key=f"us_edit_email_{user.id}")
        new_password = (
            "" if sso else st.text_input(_("New password (blank: keep)"), type="password", key=f"us_edit_pw_{user.id}")
        )
        new_manager = st.text_input(
            _("Manager name in the data"), value=user.manager_name, key=f"us_edit_manager_{user.id}"
        )
        new_teams = st.text_area(_("Teams (one per line)"), value="\n".join(user.teams), key=f"us_edit_teams_{user.id}")
        if st.form_submit_button(_("Save changes"), key=f"us_edit_save_{user.id}"):
            try:
                changed = update_user(
                    engine=get_engine(),
                    username=user.username,
                    actor=current_user(),
                    role=str(new_role),
                    active=bool(active),
                    password=new_password or None,
                    email=new_email,
                    manager_name=new_manager,
                    teams=new_teams,
                )
            except ValueError as exc:
                st.error(str(exc))
            except STORE_ERRORS as exc:
                show_store_error(exc)
            else:
                credentials_changed(changed)  # a new password of one's own keeps this session signed in
                st.rerun()
