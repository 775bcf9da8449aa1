"""The Segmentation page says what each role is scored on, and scores AEs without a quota on won revenue."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from core.store.datasets import load_records, store_dataset
from core.store.db import make_engine
from ui.state import ACTIVE_DATASET, PRESENTING

from apptest import open_page
from conftest import ROOT


def _caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Scored on"))


def test_the_page_names_the_metrics_per_role_with_and_without_quota(app_env: Path) -> None:
    """The demo team (every AE has a quota) reads "quota attainment"; the same team without quotas "won revenue"."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # loads the demo team
    open_page(at, "segmentation").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "AE: close rate 60%, quota attainment 40%" in _caption(at)

    engine = make_engine()
    team = load_records(engine=engine, dataset_id=1)
    team.loc[team["role"] == "AE", "quota"] = np.nan
    at.session_state[ACTIVE_DATASET] = store_dataset(
        engine=engine, frame=team, name="No quota", source_filename="no-quota.csv", source_sha256="3" * 64
    )
    open_page(at, "segmentation").run()
    assert not at.exception, [e.value for e in at.exception]
    caption = _caption(at)
    assert "AE: close rate 60%, won revenue per month 40%" in caption and "not every AE has a quota" in caption
    at.segmented_control(key="seg_role").set_value("AE").run()
    assert not at.exception
    assert any(m.value == "**Close rate vs Won revenue per month**" for m in at.markdown)

    at.number_input(key="seg_w_close_rate").set_value(0.0)
    at.number_input(key="seg_w_revenue_per_month").set_value(0.0).run()
    assert any("AEs without a quota" in e.value for e in at.error)


def test_the_page_names_who_lacks_a_quota_within_the_viewers_rules(app_env: Path) -> None:
    """Two AEs without a quota are named under "Scored on"; in presentation mode by their aliases only."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    open_page(at, "segmentation").run()
    engine = make_engine()
    team = load_records(engine=engine, dataset_id=1)
    aes = sorted(team.loc[team["role"] == "AE", "rep_id"].unique())[:2]
    names = sorted(team.loc[team["rep_id"].isin(aes), "name"].unique())
    team.loc[team["rep_id"].isin(aes), "quota"] = np.nan
    at.session_state[ACTIVE_DATASET] = store_dataset(
        engine=engine, frame=team, name="Two without", source_filename="two.csv", source_sha256="4" * 64
    )
    open_page(at, "segmentation").run()
    assert not at.exception, [e.value for e in at.exception]
    said = next(c.value for c in at.caption if "AEs without a quota" in c.value)
    assert all(name in said for name in names), (said, names)

    at.toggle(key=PRESENTING).set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    said = next(c.value for c in at.caption if "AEs without a quota" in c.value)
    assert not any(name in said for name in names)
    assert said.count(",") == 1  # still two people, by their aliases
