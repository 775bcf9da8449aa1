"""Sign-in and roles in the running app (AppTest): who sees which page, the banner, the start-up refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from core.demo import ensure_demo_dataset
from core.governance.audit import audit_log
from core.governance.users import create_user
from core.store.datasets import load_people, store_dataset
from core.store.db import init_db, make_engine
from ui.nav import PAGES

from apptest import open_page, registered_pages
from conftest import ROOT

APP = str(ROOT / "app.py")
PASSWORD = "correct horse battery"
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "coachwise",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration",
}


def _engine(db: Path) -> Any:
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    ensure_demo_dataset(engine=engine)
    return engine


def _signed_in(email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": email}
    return at.run()


def _known_pages(at: AppTest) -> set[str]:
    """The URL paths of the pages in the viewer's navigation."""
    return registered_pages(at)


@pytest.fixture
def team_engine(app_env: Path) -> Any:
    """The app database with the demo team, an admin, a manager of one demo team, HR and a consultant."""
    engine = _engine(app_env)
    create_user(engine=engine, username="root", role="admin", actor="test", email="root@example.com")
    people = load_people(engine=engine, dataset_id=1)
    manager = str(people["manager"].iloc[0])
    create_user(
        engine=engine, username="mia", role="manager", actor="root", email="mia@example.com", manager_name=manager
    )
    create_user(engine=engine, username="hanna", role="hr", actor="root", email="hr@example.com")
    create_user(engine=engine, username="cory", role="consultant", actor="root", email="cory@example.com")
    return engine


def test_local_admin_without_accounts_sees_everything_and_a_banner(app_env: Path) -> None:
    """No accounts, no [auth], bound to localhost: one local admin, every page, and a banner saying so."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("single local admin" in w.value for w in at.warning)
    assert _known_pages(at) == {p.url_path for p in PAGES}


def test_non_local_address_without_sign_in_refuses_to_start(app_env: Path) -> None:
    """Bound to every interface with no sign-in configured, the app shows one sentence and no page."""
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        config.set_option("server.address", "localhost")
    assert not at.exception
    assert len(at.error) == 1 and "will not start" in at.error[0].value and "[auth]" in at.error[0].value
    assert not at.title and not at.metric


def test_non_local_address_with_accounts_asks_for_sign_in(app_env: Path) -> None:
    """With a local account the same address is fine, and the app asks for a sign-in first."""
    engine = _engine(app_env)
    create_user(engine=engine, username="root", role="admin", actor="t", password=PASSWORD)
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        config.set_option("server.address", "localhost")
    assert not at.error
    assert at.text_input(key="auth_user") is not None and not at.metric


def test_password_sign_in_and_out_each_write_one_entry(app_env: Path) -> None:
    """A local account signs in through the form (one entry), a wrong password is refused (one entry)."""
    engine = _engine(app_env)
    create_user(engine=engine, username="root", role="admin", actor="t", password=PASSWORD)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="auth_user").input("root")
    at.text_input(key="auth_password").input("wrong password")
    at.button[0].click().run()
    assert any("do not match" in e.value for e in at.error)
    at.text_input(key="auth_user").input("root")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    at.run()  # reruns do not sign in again
    assert audit_log(engine=engine, actions=["sign_in", "sign_in_failed"])["action"].tolist() == [
        "sign_in",
        "sign_in_failed",
    ]
    at.button(key="auth_sign_out").click().run()
    assert at.text_input(key="auth_user") is not None
    assert audit_log(engine=engine, limit=1)["action"].iloc[0] == "sign_out"


def test_single_sign_on_user_gets_their_role_and_one_sign_in_entry(team_engine: Any) -> None:
    """An OIDC user is matched by e-mail; the sign-in is recorded once per session, not per rerun."""
    at = _signed_in("ROOT@example.com")
    assert not at.exception and at.title[0].value == "Overview"
    at.run()
    at.run()
    assert len(audit_log(engine=team_engine, actions=["sign_in"])) == 1


def test_unknown_single_sign_on_account_sees_no_data(team_engine: Any) -> None:
    """A signed-in e-mail without an account gets a sentence saying whom to ask, and no page."""
    at = _signed_in("stranger@example.com")
    assert not at.exception
    assert any("no active account" in e.value for e in at.error)
    assert not at.metric


def test_manager_sees_only_their_team_and_no_admin_or_hr_pages(team_engine: Any) -> None:
    """A manager's navigation leaves out admin pages; Overview and Segmentation count only their people."""
    people = load_people(engine=team_engine, dataset_id=1)
    mine = people[people["manager"] == people["manager"].iloc[0]]
    at = _signed_in("mia@example.com")
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["People"] == str(len(mine))
    pages = _known_pages(at)
    assert "users" not in pages and "audit" not in pages and "segmentation" in pages
    assert "hr-review" not in pages
    open_page(at, "segmentation").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert set(shown["rep_id"]) <= set(mine["rep_id"]) and len(shown) == len(mine)


def _run_page_directly(url_path: str) -> str:
    """A script that runs one page's function without the router (as if navigation had let it through)."""
    return (
        "from app_pages import PAGE_FUNCTIONS\n"
        "from ui.state import init_session_state\n"
        "init_session_state()\n"
        f"PAGE_FUNCTIONS[{url_path!r}]()\n"
    )


@pytest.mark.parametrize("page", [p for p in PAGES if "manager" not in p.roles], ids=lambda p: p.title)
def test_manager_cannot_open_a_hidden_page_directly(team_engine: Any, page: Any) -> None:
    """A page left out of the navigation checks the role itself when its function is run directly."""
    at = AppTest.from_string(_run_page_directly(page.url_path), default_timeout=60)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "mia@example.com"}
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "not open to the Manager role" in at.error[0].value
    assert not at.dataframe


def test_hr_reads_plans_but_cannot_edit_them(team_engine: Any) -> None:
    """HR has no Segmentation or Upload, and the plans page offers no edit or check-in form."""
    at = _signed_in("hr@example.com")
    pages = _known_pages(at)
    assert "plans" in pages and "hr-review" in pages
    assert "segmentation" not in pages and "upload" not in pages and "retention" not in pages
    open_page(at, "plans").run()
    assert not at.exception
    keys = {getattr(w, "key", None) for w in at.text_input} | {getattr(b, "key", None) for b in at.button}
    assert "pl_ci_note" not in keys and "pl_cadence" not in keys
    assert any("Read-only" in c.value for c in at.caption)


def test_consultant_sees_real_data_only_in_presentation_mode(team_engine: Any, small_team: Any) -> None:
    """A consultant's pages show the demo team; a real dataset appears only with presentation mode on."""
    store_dataset(
        engine=team_engine, frame=small_team, name="Client export", source_filename="c.csv", source_sha256="1" * 64
    )
    at = _signed_in("cory@example.com")
    assert not at.exception
    assert at.subheader[0].value != "Client export"
    at.toggle(key="auth_presenting").set_value(True).run()
    at.selectbox(key="ov_dataset").select(2).run()
    assert at.subheader[0].value == "Client export"
    at.toggle(key="auth_presenting").set_value(False).run()
    assert at.subheader[0].value != "Client export"


def test_admin_creates_the_first_account_then_sign_in_is_required(app_env: Path) -> None:
    """On the Users page the local admin adds an admin account; from then on the app asks for sign-in."""
    engine = _engine(app_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at, "users").run()
    at.text_input(key="us_add_name").input("root")
    at.text_input(key="us_add_password").input(PASSWORD)
    at.button(key="us_add_save").click().run()
    assert not at.exception
    assert audit_log(engine=engine, actions=["user_changed"])["subject"].tolist() == ["root"]
    assert at.text_input(key="auth_user") is not None  # the sign-in form replaced the pages


def test_hr_opens_the_hr_review_and_the_view_is_recorded_once(team_engine: Any) -> None:
    """HR sees the HR review of every team; opening it writes one audit entry however often it reruns."""
    at = _signed_in("hr@example.com")
    open_page(at, "hr-review").run()
    assert not at.exception and at.title[0].value == "HR review"
    at.run()
    views = audit_log(engine=team_engine, actions=["hr_review_viewed"])
    assert views["actor"].tolist() == ["hanna"]


def test_consultant_uploads_only_in_presentation_mode(team_engine: Any) -> None:
    """A consultant's Upload page asks for presentation mode before it takes a client's file."""
    at = _signed_in("cory@example.com")
    open_page(at, "upload").run()
    assert any("presentation mode" in i.value for i in at.info)
    assert not at.get("file_uploader")
    at.toggle(key="auth_presenting").set_value(True).run()
    assert at.get("file_uploader")
