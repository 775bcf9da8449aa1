"""A read-only or full store in the browser: one sentence from describe_store_error, never Streamlit's error box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

import ui.state
from core.store.db import make_engine

from apptest import open_page, registered_pages
from conftest import ROOT


def _read_only(engine: Engine) -> Engine:
    """Every new connection refuses writes (PRAGMA query_only), as a read-only file does — even for root."""
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only=ON"))
    engine.dispose()  # connections made before now would still write
    return engine


def _no_sql(text: str) -> None:
    for leaked in ("INSERT", "CREATE", "SELECT", "sqlalchemy", "Traceback"):
        assert leaked not in text


def test_a_store_that_cannot_be_set_up_shows_one_sentence_and_no_page(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the schema cannot be written at start, the app says so in one sentence naming the file and opens no page."""
    monkeypatch.setattr(ui.state, "make_engine", lambda: _read_only(make_engine(f"sqlite:///{app_env}")))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "read-only" in at.error[0].value and str(app_env) in at.error[0].value
    _no_sql(at.error[0].value)
    assert registered_pages(at) == set()


def _page_then_read_only(url_path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, url_path).run()
    assert not at.exception, [e.value for e in at.exception]
    _read_only(ui.state.get_engine())
    return at


def test_an_override_on_a_read_only_store_is_one_sentence_and_keeps_the_reason(app_env: Path) -> None:
    """An override saved after the store turned read-only gets the read-only sentence by the form; the reason stays."""
    at = _page_then_read_only("segmentation")
    at.text_input(key="seg_ov_reason").set_value("Back from leave in March")
    at.button(key="seg_ov_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if "read-only" in e.value]
    for error in at.error:
        _no_sql(error.value)
    assert at.text_input(key="seg_ov_reason").value == "Back from leave in March"


def test_a_page_that_records_its_view_on_a_read_only_store_is_one_sentence(app_env: Path) -> None:
    """The HR review writes an audit entry on opening; on a read-only store that is one sentence, not the error box."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    _read_only(ui.state.get_engine())
    open_page(at, "hr-review").run()
    assert not at.exception, [e.value for e in at.exception]
    messages: list[Any] = [e.value for e in at.error]
    assert len(messages) == 1 and "read-only" in messages[0]
    _no_sql(messages[0])
