"""The Impact page in AppTest: the demo's pilot is estimated, the leaderboard is honest, the calculator responds."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.coaching.edits import started_pairs, stop_pairs
from core.store.datasets import list_datasets
from core.store.db import make_engine

from apptest import open_page
from conftest import ROOT


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    open_page(at, "impact").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_demo_pilot_is_estimated_with_intervals(app_env: Path) -> None:
    """The demo team's started pilot shows coachees, peers, a lift with an interval and the caveats."""
    at = _page()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Coachees compared"]) >= 10
    assert int(metrics["Uncoached core peers"]) >= 5
    assert " to " in metrics["95% interval"]
    text = " ".join(md.value for md in at.markdown)
    assert "regression to the mean" in text and "not a randomised trial" in text
    assert "Dixon & Adamson" in text and "not a promise" in text
    board = next(df.value for df in at.dataframe if "lift" in df.value.columns)
    single = board[board["coachees"] == 1]
    assert single["low"].isna().all() and single["note"].str.contains("cannot be estimated").all()


def test_calculator_follows_the_sliders(app_env: Path) -> None:
    """Raising the best-quality effect raises its expected revenue change."""
    at = _page()
    label = next(m.label for m in at.metric if m.label.startswith("Best-quality, core"))

    def best() -> float:
        return float(next(m.value for m in at.metric if m.label == label).replace(",", ""))

    before = best()
    at.slider(key="im_best_effect").set_value(25.0).run()
    assert not at.exception
    assert best() > before > 0


def test_no_started_pairs_explains_how_to_start(app_env: Path) -> None:
    """Without started pairs the page says how to start a chain and links to the chains page."""
    _page()
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    started = started_pairs(engine=engine, dataset_id=dataset_id)
    stop_pairs(
        engine=engine,
        dataset_id=dataset_id,
        pairs=list(zip(started["coach_id"], started["coachee_id"], strict=True)),
        changed_by="test",
        scope=None,
    )
    at = _page()
    assert any("No coaching chain has been started" in info.value for info in at.info)
    assert not [m for m in at.metric if m.label == "Coachees compared"]
    assert [m for m in at.metric if m.label.startswith("Moderate, core")]  # the calculator still works
