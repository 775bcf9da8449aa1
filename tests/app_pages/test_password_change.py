"""A password change ends the account's other signed-in sessions; the session that made the change stays."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.demo import ensure_demo_dataset
from core.governance.users import create_user, update_user
from core.store.db import init_db, make_engine

from apptest import open_page, registered_pages
from conftest import ROOT

PASSWORD = "correct horse battery"
NEW_PASSWORD = "staple battery horse correct"


def _accounts(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    ensure_demo_dataset(engine=engine)
    create_user(engine=engine, username="root", role="admin", actor="t", password=PASSWORD)
    create_user(engine=engine, username="mia", role="manager", actor="root", password=PASSWORD)


def _signed_in(username: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.text_input(key="auth_user").input(username)
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert registered_pages(at), f"{username} did not get signed in"
    return at


def _signed_out(at: AppTest) -> bool:
    return not registered_pages(at) and at.text_input(key="auth_user") is not None


def test_a_password_change_signs_out_the_other_session(app_env: Path) -> None:
    """Two browsers signed in as mia; her password is changed (as the Users page does); both are signed out."""
    _accounts(app_env)
    laptop, phone = _signed_in("mia"), _signed_in("mia")
    update_user(engine=make_engine(f"sqlite:///{app_env}"), username="mia", actor="root", password=NEW_PASSWORD)
    phone.run()
    assert not phone.exception, [e.value for e in phone.exception]
    assert _signed_out(phone)
    laptop.run()
    assert _signed_out(laptop)
    assert registered_pages(_signed_in("mia", NEW_PASSWORD))  # the new password works


def test_changing_ones_own_password_on_the_users_page_keeps_this_session(app_env: Path) -> None:
    """An admin who sets a new password for themself on the Users page stays signed in; their other browser does not."""
    _accounts(app_env)
    here, elsewhere = _signed_in("root"), _signed_in("root")
    open_page(here, "users").run()
    here.selectbox(key="us_edit_user").set_value("root").run()
    user_id = next(str(t.key) for t in here.text_input if str(t.key).startswith("us_edit_pw_")).rsplit("_", 1)[1]
    here.text_input(key=f"us_edit_pw_{user_id}").input(NEW_PASSWORD)
    here.button(key=f"us_edit_save_{user_id}").click().run()
    assert not here.exception, [e.value for e in here.exception]
    assert not _signed_out(here) and here.title[0].value == "Users"
    elsewhere.run()
    assert _signed_out(elsewhere)
