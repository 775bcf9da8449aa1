"""The Data retention page in AppTest: list, delete only after confirmation, set and clear the period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.governance.audit import audit_log
from core.governance.retention import retention_days, set_retention_days
from core.store.datasets import list_datasets, sha256_bytes, store_dataset
from core.store.db import make_engine
from core.store.models import Dataset
from ui.state import ACTIVE_DATASET

from apptest import open_page
from conftest import ROOT

PAGE = "retention"


def _page_with_two(app_env: Path) -> tuple[AppTest, int, int]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # the demo team on first start
    engine = make_engine(f"sqlite:///{app_env}")
    real = store_dataset(
        engine=engine,
        frame=generate_team(DemoSpec(reps=12, months=2, seed=5, end="2026-04")),
        name="Benelux Q1",
        source_filename="b.csv",
        source_sha256=sha256_bytes(b"benelux"),
    )
    demo = next(d.id for d in list_datasets(engine=engine) if d.is_demo)
    open_page(at, PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at, real, demo


def test_lists_datasets(app_env: Path) -> None:
    """Both datasets are listed with their rows, people and whether they are demo data."""
    at, real, demo = _page_with_two(app_env)
    table = at.dataframe[0].value
    assert sorted(table["id"]) == sorted([real, demo])
    assert table.set_index("id").loc[demo, "demo"] and not table.set_index("id").loc[real, "demo"]
    assert table.set_index("id").loc[real, "people"] == 12


def test_deletion_needs_the_name_then_removes_the_dataset(app_env: Path) -> None:
    """The button stays disabled until the exact name is typed; then the dataset goes and the active one resets."""
    at, real, demo = _page_with_two(app_env)
    at.session_state[ACTIVE_DATASET] = real
    at.selectbox(key="rt_dataset").set_value(real).run()
    assert at.button(key="rt_delete").disabled
    at.text_input(key="rt_confirm").set_value("Benelux").run()
    assert at.button(key="rt_delete").disabled
    engine = make_engine(f"sqlite:///{app_env}")
    assert real in {d.id for d in list_datasets(engine=engine)}
    at.text_input(key="rt_confirm").set_value("Benelux Q1").run()
    assert not at.button(key="rt_delete").disabled
    at.button(key="rt_delete").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [d.id for d in list_datasets(engine=engine)] == [demo]
    assert any("Deleted 'Benelux Q1'" in s.value for s in at.success)
    assert at.session_state[ACTIVE_DATASET] is None
    assert at.text_input(key="rt_confirm").value == ""
    log = audit_log(engine=engine, actions=["dataset_deleted"])
    assert log[["dataset_id", "actor"]].values.tolist() == [[real, "local admin"]]


def test_deletion_leaves_no_records_of_it_in_memory(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The records the pages share (one table per view, kept uncopied) go with a deletion: the next read loads."""
    from ui import cache
    from ui.redact import View

    loads: list[int] = []
    original = cache.load_records

    def counted(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
        loads.append(dataset_id)
        return original(engine=engine, dataset_id=dataset_id)

    monkeypatch.setattr(cache, "load_records", counted)
    at, real, _demo = _page_with_two(app_env)
    view = View(dataset_id=real, token="kept")
    assert len(cache.records(view)) == len(cache.records(view)) > 0
    assert loads == [real]  # shared: read once
    at.selectbox(key="rt_dataset").set_value(real).run()
    at.text_input(key="rt_confirm").set_value("Benelux Q1").run()
    at.button(key="rt_delete").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert cache.records(view).empty  # read again: the deleted dataset has no rows left
    assert loads == [real, real]


def test_a_caller_changing_the_shared_records_changes_nothing_for_the_next(app_env: Path) -> None:
    """Each caller gets its own view of the shared table: what it adds or overwrites stays its own."""
    from ui import cache
    from ui.redact import View

    _page_with_two(app_env)
    view = View(dataset_id=1, token="kept")
    first = cache.records(view)
    before = first.copy()
    first["name"] = "overwritten"
    first["extra"] = 1
    first.loc[first.index[0], "calls"] = -5
    pd.testing.assert_frame_equal(cache.records(view), before)


def test_set_and_clear_the_period(app_env: Path) -> None:
    """Switching automatic deletion on with a number of days is stored and audited; off clears it."""
    at, _, _ = _page_with_two(app_env)
    engine = make_engine(f"sqlite:///{app_env}")
    assert at.button(key="rt_save").disabled  # nothing changed yet
    at.toggle(key="rt_on").set_value(True).run()
    at.number_input(key="rt_days").set_value(90).run()
    at.button(key="rt_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert retention_days(engine=engine) == 90
    at.toggle(key="rt_on").set_value(False).run()
    at.button(key="rt_save").click().run()
    assert retention_days(engine=engine) is None
    assert audit_log(engine=engine, actions=["retention_changed"])["detail"].tolist() == [
        "90 days → off",
        "off → 90 days",
    ]


def test_apply_the_period_now(app_env: Path) -> None:
    """Datasets past the period are named; applying it needs a tick and then deletes only them."""
    at, real, demo = _page_with_two(app_env)
    engine = make_engine(f"sqlite:///{app_env}")
    with Session(engine) as session, session.begin():
        session.execute(
            update(Dataset).values(created_at=datetime.now(UTC) - timedelta(days=400))  # demo and real alike
        )
    set_retention_days(engine=engine, days=365, actor="admin")
    at.run()
    assert any("will be deleted at the next start: 'Benelux Q1'" in w.value for w in at.warning)
    assert at.button(key="rt_apply").disabled
    at.checkbox(key="rt_apply_ok").check().run()
    at.button(key="rt_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [d.id for d in list_datasets(engine=engine)] == [demo]  # the demo team is exempt
    log = audit_log(engine=engine, actions=["dataset_deleted"])
    assert log[["dataset_id", "actor"]].values.tolist() == [[real, "retention policy"]]
