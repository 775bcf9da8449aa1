"""Page tests with Streamlit's AppTest: every registered page runs without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.demo import DemoSpec, generate_team
from core.store.datasets import list_datasets, store_dataset
from core.store.db import init_db, make_engine
from ui.nav import PAGES

from apptest import open_page
from conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_every_page_runs(app_env: Path, page: object) -> None:
    """Each page in the navigation renders on a fresh database with no exception."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    open_page(at, page.url_path).run()  # type: ignore[attr-defined]
    assert not at.exception, [e.value for e in at.exception]


def test_first_start_shows_demo_team(app_env: Path) -> None:
    """An empty database gets the demo team, and the Overview says it is demo data."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert any("generated demo team" in info.value for info in at.info)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["People"] == "120"
    assert (
        int(metrics["Sales Development Rep"]) + int(metrics["Account Executive"]) + int(metrics["Account Manager"])
        == 120
    )


def test_overview_switches_dataset(app_env: Path) -> None:
    """With a second dataset the Overview offers a choice and shows the chosen one."""
    engine = make_engine(f"sqlite:///{app_env}")
    init_db(engine)
    AppTest.from_file(APP, default_timeout=60).run()  # first start loads the demo
    frame = generate_team(DemoSpec(reps=10, months=2, seed=1, end="2026-02"))
    real_id = store_dataset(
        engine=engine, frame=frame, name="Real export", source_filename="r.csv", source_sha256="0" * 64
    )
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.subheader[0].value == "Real export"  # newest is active
    demo_id = next(d.id for d in list_datasets(engine=engine) if d.is_demo)
    at.selectbox(key="ov_dataset").select(demo_id).run()
    assert not at.exception
    assert at.subheader[0].value != "Real export"
    assert any("generated demo team" in info.value for info in at.info)
    assert real_id != demo_id
