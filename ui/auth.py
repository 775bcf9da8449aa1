"""Sign-in, the session's viewer, page guards and presentation mode (Streamlit glue over core.governance.access).

- ``[auth]`` in ``secrets.toml``: Streamlit's OpenID Connect sign-in (``st.login``); the account's
  role comes from the Users page, matched by e-mail.
- Otherwise local accounts with passwords, once an admin has created one.
- No accounts, no ``[auth]``, bound to localhost: a single local admin, with a banner saying so.
- Bound to any other address without sign-in: the app refuses to start.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import streamlit as st
from sqlalchemy.engine import Engine

from core.governance.access import LOCAL_ADMIN, ROLE_LABELS, Viewer, unsafe_start_message
from core.governance.audit import record
from core.governance.users import (
    UserInfo,
    authenticate,
    get_user,
    has_local_accounts,
    set_language,
    user_by_email,
)
from core.text import markdown_text as md
from ui.i18n import _, current_language, pgettext, request_language
from ui.nav import PAGES, SECTION, PageSpec, page, st_page
from ui.redact import show_name
from ui.state import PRESENTING, get_engine, presenting

SIGNED_IN = "auth_username"  # local sign-in: the user name, looked up again on every run
SIGNED_IN_VERSION = "auth_credentials_version"  # the account's credentials version at sign-in
OIDC_LOGGED = "auth_oidc_logged"  # the user whose single sign-on was already recorded this session
REQUESTED = "auth_requested_page"  # the page a deep link asked for before sign-in
ACCOUNT_LANGUAGE = "auth_account_language"  # (user name, language) as last read from or written to the account


def _secrets_auth() -> dict[str, Any] | None:
    try:
        if "auth" in st.secrets:
            return dict(st.secrets["auth"])
    except Exception:  # noqa: BLE001  (no secrets.toml at all is the normal local case)
        return None
    return None


def oidc_configured() -> bool:
    """Whether ``[auth]`` in secrets.toml configures OpenID Connect sign-in."""
    return _secrets_auth() is not None


def sign_in_configured(engine: Engine) -> bool:
    """Whether anyone must sign in: OpenID Connect is configured or a local account exists."""
    return oidc_configured() or has_local_accounts(engine=engine)


def _providers() -> list[str | None]:
    """Named providers (``[auth.google]`` …) or the single default provider."""
    config = _secrets_auth() or {}
    named = [k for k, v in config.items() if isinstance(v, dict)]
    return list(named) or [None]


def refuse_unsafe_start(engine: Engine) -> bool:
    """Say in one sentence, and answer True, when the server is reachable from other computers without sign-in."""
    message = unsafe_start_message(st.get_option("server.address"), sign_in_configured=sign_in_configured(engine))
    if message:
        st.error(message, icon=":material/lock:")
    return bool(message)


def _oidc_sign_in(engine: Engine) -> None:
    """Nobody usable is signed in through the identity provider: offer the sign-in, or say whom to ask."""
    if not st.user.is_logged_in:
        st.title("Coachwise")
        st.write(_("Sign in with your organisation's account to continue."))
        for provider in _providers():
            label = _("Sign in with {provider}").format(provider=provider.title()) if provider else _("Sign in")
            if st.button(label, type="primary", key=f"auth_login_{provider or 'default'}"):
                st.login(provider) if provider else st.login()
        return
    email = str(st.user.get("email") or "")
    st.error(
        _(
            "You are signed in as {account}, but Coachwise has no active account for it. Ask an admin to add "
            "your e-mail on the Users page."
        ).format(account=email or _("an account without an e-mail"))
    )
    st.button(_("Sign out"), on_click=st.logout, key="auth_logout_unknown")


def _password_sign_in(engine: Engine) -> None:
    """The local sign-in form; a right password signs in and reruns."""
    st.session_state.pop(SIGNED_IN, None)  # a name kept from before is deactivated, gone or has a new password
    st.session_state.pop(SIGNED_IN_VERSION, None)
    st.title("Coachwise")
    with st.form("auth_form"):
        name = st.text_input(_("User name"), key="auth_user")
        password = st.text_input(_("Password"), type="password", key="auth_password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            signed = authenticate(engine=engine, username=name, password=password)
        except ValueError as exc:  # the store stayed busy: nothing was checked or recorded
            st.error(str(exc))
            return
        if signed is not None:
            st.session_state[SIGNED_IN] = signed.username
            st.session_state[SIGNED_IN_VERSION] = signed.credentials_version
            st.session_state[REQUESTED] = _requested_page()
            st.rerun()
        st.error(
            _(
                "That user name and password do not match an active account (after 5 refusals in 15 minutes "
                "an account is locked for a while). Ask an admin if you forgot your password."
            )
        )


def gate() -> Viewer | None:
    """The viewer of this session, or None after showing the sign-in (or the refusal to start)."""
    engine = get_engine()
    if refuse_unsafe_start(engine):
        return None
    viewer = current_viewer()
    if viewer is None:
        (_oidc_sign_in if oidc_configured() else _password_sign_in)(engine)
        return None
    if viewer.source == "oidc" and st.session_state.get(OIDC_LOGGED) != viewer.username:
        record(engine=engine, actor=viewer.username, action="sign_in", subject=viewer.username, detail="single sign-on")
        st.session_state[OIDC_LOGGED] = viewer.username
    return viewer


def keep_account_language(viewer: Viewer) -> None:
    """The language follows the account: its choice is taken up once after sign-in, and a language picked
    in the sidebar later is kept with the account. An account that never chose one reads the browser's.
    The single local admin has no account, so their choice lasts for the session only."""
    synced = st.session_state.get(ACCOUNT_LANGUAGE)
    now = current_language()
    if synced is None or synced[0] != viewer.username:
        user = get_user(engine=get_engine(), username=viewer.username)
        stored = user.language if user is not None else None
        st.session_state[ACCOUNT_LANGUAGE] = (viewer.username, stored or now)
        if stored and stored != now:
            request_language(stored)
            st.rerun()
    elif synced[1] != now:
        set_language(engine=get_engine(), username=viewer.username, language=now)
        st.session_state[ACCOUNT_LANGUAGE] = (viewer.username, now)


def sign_out() -> None:
    """End the session's sign-in (recorded)."""
    viewer = current_viewer()
    if viewer is not None and viewer.source != "local-admin":
        record(engine=get_engine(), actor=viewer.username, action="sign_out", subject=viewer.username)
    st.session_state.pop(SIGNED_IN, None)
    st.session_state.pop(SIGNED_IN_VERSION, None)
    st.session_state.pop(OIDC_LOGGED, None)
    st.session_state.pop(ACCOUNT_LANGUAGE, None)
    st.session_state[PRESENTING] = False
    if viewer is not None and viewer.source == "oidc":
        st.logout()


def current_viewer() -> Viewer | None:
    """The viewer resolved for this run without showing anything (None when nobody is signed in)."""
    engine = get_engine()
    if oidc_configured():
        try:
            if not st.user.is_logged_in:
                return None
        except Exception:  # noqa: BLE001  (st.user is unavailable outside a server session)
            return None
        user = user_by_email(engine=engine, email=str(st.user.get("email") or ""))
        return user.viewer("oidc") if user else None
    if has_local_accounts(engine=engine):
        username = st.session_state.get(SIGNED_IN)
        user = get_user(engine=engine, username=str(username)) if username else None
        if user is None or not user.active:
            return None
        # A password changed since this session signed in (here or in another browser) ends the session.
        if st.session_state.get(SIGNED_IN_VERSION) != user.credentials_version:
            return None
        return user.viewer("password")
    return LOCAL_ADMIN


def credentials_changed(user: UserInfo) -> None:
    """After this session changed ``user``'s password: stay signed in if it is this session's own account.

    Every other session of that account is signed out on its next run (see :func:`current_viewer`).
    """
    if st.session_state.get(SIGNED_IN) == user.username:
        st.session_state[SIGNED_IN_VERSION] = user.credentials_version


def current_user() -> str:
    """Who is acting, for the record: the signed-in user's name, or the single local admin."""
    viewer = current_viewer()
    return viewer.username if viewer is not None else "signed-out user"


def pages_for(viewer: Viewer) -> list[PageSpec]:
    """The pages in the viewer's navigation."""
    return [p for p in PAGES if viewer.role in p.roles]


def navigation_for(viewer: Viewer) -> dict[str, list[st.Page]]:
    """The viewer's navigation, by section (in the session's language), as ``st.navigation`` takes it."""
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for(viewer):
        sections.setdefault(pgettext(SECTION, spec.section), []).append(st_page(spec.url_path))
    return sections


def require_page(url_path: str) -> Viewer | None:
    """Guard a page: its viewer, or None after a one-sentence refusal when the role may not open it.

    Pages call this first and return on None: navigation leaves a page out, and the page checks again.
    """
    viewer = current_viewer()
    spec = page(url_path)
    if viewer is None or viewer.role not in spec.roles:
        role = _(ROLE_LABELS[viewer.role]) if viewer and viewer.role in ROLE_LABELS else _("signed-out")
        st.error(
            _("The {page} page is not open to the {role} role. Ask an admin if you need it.").format(
                page=_(spec.title), role=role
            )
        )
        return None
    return viewer


def frame(viewer: Viewer) -> None:
    """The sidebar's who-am-I, sign-out and presentation toggle, and the banners every page shows."""
    with st.sidebar:
        name = _("Local admin") if viewer.source == "local-admin" else md(show_name(viewer.label))
        st.caption(f":material/person: **{name}** · {_(ROLE_LABELS[viewer.role])}")
        st.toggle(
            _("Presentation mode"),
            key=PRESENTING,
            help=_(
                "Replaces every person's name with a stable alias on every page and in every export, "
                "for a projector or a screen share. Real names are not sent to the browser while it is on."
            ),
        )
        if viewer.source != "local-admin":
            st.button(_("Sign out"), on_click=sign_out, key="auth_sign_out", icon=":material/logout:")
    if viewer.source == "local-admin":
        st.warning(
            _(
                "Running as the **single local admin**: no accounts exist and the app is bound to this computer "
                "only, so anyone using this computer has full access. Create accounts on the Users page to "
                "require sign-in."
            ),
            icon=":material/shield_person:",
        )
    if presenting():
        st.info(_("**Presentation mode** — names are aliases."), icon=":material/co_present:")


def link(url_path: str, label: str, icon: str) -> None:
    """A link to a page, shown only when the viewer's navigation has that page."""
    viewer = current_viewer()
    if viewer is not None and viewer.role in page(url_path).roles:
        st.page_link(st_page(url_path), label=label, icon=icon)


def _requested_page() -> str | None:
    """The url_path of the page the browser's address asks for, if it names one."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001  (no browser context, e.g. in tests)
        return None
    path = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
    return path if any(p.url_path == path for p in PAGES) else None


def follow_requested_page(viewer: Viewer) -> None:
    """After a sign-in, open the page a deep link asked for (if the viewer may), instead of the start page."""
    wanted = st.session_state.pop(REQUESTED, None)
    spec = next((p for p in pages_for(viewer) if p.url_path == wanted), None)
    if spec is not None and not spec.default:
        st.switch_page(st_page(spec.url_path))
