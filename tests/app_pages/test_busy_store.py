"""A busy store in the browser: a save waits out another writer, or says so in one sentence and keeps what was typed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import core.store.db
from core.demo import DemoSpec, generate_team
from core.plans.store import checkins
from core.scoring.overrides import current_overrides
from core.store.datasets import list_datasets, store_dataset
from core.store.db import make_engine

from apptest import open_page
from busy import short_timeouts, write_lock
from conftest import ROOT
from files import plain_csv

REASON = "Ramping after parental leave; judge from March"


def _page(url_path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    open_page(at, url_path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _overrides(db: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{db}")
    dataset_id = min(d.id for d in list_datasets(engine=engine))
    stored = current_overrides(engine=engine, dataset_id=dataset_id)
    return dict(zip(stored["rep_id"], stored["reason"], strict=True))


def test_busy_store_keeps_the_typed_override_reason(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An override saved while an import holds the lock says 'busy … your text is kept'; Save again stores that text."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=0.3)  # before the app's engine connects
    at = _page("segmentation")
    person = str(at.selectbox(key="seg_person").value)
    at.selectbox(key="seg_ov_tier").set_value("top")
    at.text_input(key="seg_ov_reason").set_value(REASON)
    with write_lock(app_env):
        at.button(key="seg_ov_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [str(core.store.db.StoreBusy())]
    assert _overrides(app_env) == {}

    at.button(key="seg_ov_save").click().run()  # nothing typed again: the form kept the reason
    assert not at.exception, [e.value for e in at.exception]
    assert _overrides(app_env) == {person: REASON}
    assert at.text_input(key="seg_ov_reason").value == ""  # emptied once it was stored


def test_busy_store_keeps_the_typed_check_in(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check-in logged while the store is busy is refused in one sentence and logged by the next click, as typed."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=0.3)
    at = _page("plans")
    rep = str(at.selectbox(key="pl_person").value)
    at.text_input(key="pl_ci_note").set_value("Reviewed ten rejected leads together")
    at.text_area(key="pl_ci_next").set_value("Use the three qualifying questions")
    with write_lock(app_env):
        at.button(key="pl_ci_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("busy" in e.value and "your text is kept" in e.value for e in at.error)

    at.button(key="pl_ci_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    engine = make_engine(f"sqlite:///{app_env}")
    logged = checkins(engine=engine, dataset_id=min(d.id for d in list_datasets(engine=engine)), rep_id=rep)
    assert [(c.note, c.next_step) for _, c in logged] == [
        ("Reviewed ten rejected leads together", "Use the three qualifying questions")
    ]
    assert at.text_input(key="pl_ci_note").value == ""


def test_sessions_save_overrides_while_large_imports_run(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load: 3 browser sessions save overrides while large imports keep taking the write lock — none lost, no error."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=60.0)
    sessions = [_page("segmentation") for _ in range(3)]
    busy_seen: list[bool] = []
    is_busy = core.store.db.is_busy
    monkeypatch.setattr(core.store.db, "is_busy", lambda exc: busy_seen.append(is_busy(exc)) or busy_seen[-1])
    wanted: dict[str, str] = {}
    for index, at in enumerate(sessions):
        at.selectbox(key="seg_person").set_value(at.selectbox(key="seg_person").options[index]).run()
        wanted[str(at.selectbox(key="seg_person").value)] = f"session {index} decided"
        at.selectbox(key="seg_ov_tier").set_value("core")
        at.text_input(key="seg_ov_reason").set_value(f"session {index} decided")
    assert len(wanted) == len(sessions)

    big = generate_team(DemoSpec(reps=1500, months=12, seed=3, end="2026-06"))  # ~17,000 rows, ~1 s of write lock
    engine = make_engine(f"sqlite:///{app_env}")
    importing, done = threading.Event(), threading.Event()
    import_errors: list[BaseException] = []

    def imports() -> None:
        try:
            while not done.is_set():
                store_dataset(
                    engine=engine,
                    frame=big,
                    name="big",
                    source_filename="big.csv",
                    source_sha256="0" * 64,
                    also=lambda _session, _id: importing.set(),
                )
                # Imports follow each other as people upload, not back to back: SQLite's lock is not fair,
                # so a loop with no gap at all could starve a waiting writer beyond any retry budget.
                done.wait(0.2)
        except BaseException as exc:  # noqa: BLE001  (collected for the assertion below)
            import_errors.append(exc)

    importer = threading.Thread(target=imports)
    importer.start()
    try:
        assert importing.wait(60)
        for at in sessions:  # AppTest runs one script at a time per process; the imports run throughout
            at.button(key="seg_ov_save").click().run()
    finally:
        done.set()
        importer.join()

    assert import_errors == []
    for at in sessions:
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    assert _overrides(app_env) == wanted
    assert any(busy_seen), "the saves never met a busy store, so this test proved nothing"


def test_busy_import_ends_its_status_with_the_sentence(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import that meets a store kept busy by another import ends its status as failed, with the busy sentence."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=0.3)
    team = generate_team(DemoSpec(reps=20, months=3, seed=31, end="2026-03"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    open_page(at, "upload").run()
    at.file_uploader(key="up_file").set_value(("team.csv", plain_csv(team), "text/csv")).run()
    at.text_input(key="up_name").set_value("Q1").run()
    with write_lock(app_env):
        at.button(key="up_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.state for s in at.status] == ["error"]
    assert any("busy" in e.value and "nothing was saved" in e.value for e in at.error)
