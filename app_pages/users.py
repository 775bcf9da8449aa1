"""Users (admin): who may sign in, with which role, and whose people a manager sees."""

import pandas as pd
import streamlit as st

from core.governance.access import ROLE_HELP, ROLE_LABELS, ROLES
from core.governance.users import create_user, list_users, update_user
from ui.auth import name_key, oidc_configured, presenting, require_page, show_name
from ui.state import current_user, get_engine

viewer = require_page("users")
st.title("Users")
engine = get_engine()
sso = oidc_configured()
st.caption(
    "Roles: "
    + " · ".join(f"**{ROLE_LABELS[r]}** — {ROLE_HELP[r]}" for r in ROLES)
    + ". Every change is written to the audit trail."
)
if sso:
    st.info(
        "Sign-in uses your identity provider (OpenID Connect): give each account the e-mail it signs in with. "
        "Passwords are not used.",
        icon=":material/key:",
    )

users = list_users(engine=engine)
if not users:
    st.info(
        "No accounts yet, so Coachwise runs as the single local admin. The first account must be an admin — "
        "yours. Once it exists, everyone signs in, including you.",
        icon=":material/person_add:",
    )
else:
    table = pd.DataFrame(
        {
            "user": [u.username for u in users],
            "name": [u.display_name for u in users],
            "e-mail": [u.email or "" for u in users],
            "role": [ROLE_LABELS[u.role] for u in users],
            "manager name in the data": [u.manager_name for u in users],
            "teams": [", ".join(u.teams) for u in users],
            "active": [u.active for u in users],
            "password": [u.has_password for u in users],
            "changed (UTC)": [u.updated_at.strftime("%Y-%m-%d %H:%M") for u in users],
        }
    )
    if presenting():
        for column in ("user", "name", "e-mail", "manager name in the data"):
            table[column] = table[column].map(show_name)
    st.dataframe(table, hide_index=True, width="stretch")

if presenting():
    st.info("Accounts cannot be changed in presentation mode, because names are shown as aliases.")
    st.stop()

left, right = st.columns(2)
with left.form("us_add_form", clear_on_submit=True):
    st.markdown("**Add a user**")
    username = st.text_input("User name", key="us_add_name", placeholder="e.g. mia.wolf")
    role = st.selectbox(
        "Role", ROLES, format_func=ROLE_LABELS.__getitem__, key="us_add_role", index=0 if not users else 1
    )
    display = st.text_input("Full name (optional)", key="us_add_display")
    email = st.text_input("E-mail" + (" (the one they sign in with)" if sso else " (optional)"), key="us_add_email")
    password = "" if sso else st.text_input("Password (10+ characters)", type="password", key="us_add_password")
    manager = st.text_input(
        "Manager name as it appears in the data (managers)", key="us_add_manager", help="e.g. 'Anna Berg'"
    )
    teams = st.text_area("Teams they see (managers, one per line)", key="us_add_teams")
    if st.form_submit_button("Add user", type="primary", key="us_add_save"):
        try:
            create_user(
                engine=engine,
                username=username,
                role=str(role),
                actor=current_user(),
                password=password or None,
                email=email or None,
                display_name=display,
                manager_name=manager,
                teams=teams,
            )
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.rerun()

if users:
    by_name = {u.username: u for u in users}
    right.markdown("**Change a user**")
    chosen = right.selectbox("User", list(by_name), key=name_key("us_edit_user"))
    user = by_name[str(chosen)]
    with right.form(f"us_edit_form_{user.id}"):
        new_role = st.selectbox(
            "Role",
            ROLES,
            index=ROLES.index(user.role),
            format_func=ROLE_LABELS.__getitem__,
            key=f"us_edit_role_{user.id}",
        )
        active = st.checkbox("Active (may sign in)", value=user.active, key=f"us_edit_active_{user.id}")
        new_email = st.text_input("E-mail", value=user.email or "", key=f"us_edit_email_{user.id}")
        new_password = (
            "" if sso else st.text_input("New password (blank: keep)", type="password", key=f"us_edit_pw_{user.id}")
        )
        new_manager = st.text_input(
            "Manager name in the data", value=user.manager_name, key=f"us_edit_manager_{user.id}"
        )
        new_teams = st.text_area("Teams (one per line)", value="\n".join(user.teams), key=f"us_edit_teams_{user.id}")
        if st.form_submit_button("Save changes", key=f"us_edit_save_{user.id}"):
            try:
                update_user(
                    engine=engine,
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
            else:
                st.rerun()
