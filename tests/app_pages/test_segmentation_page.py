"""The Segmentation page in AppTest: counts per role, settings change the tiers, overrides need a reason and stick."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from core.months import add_months
from core.scoring.overrides import current_overrides
from core.store.datasets import list_datasets, load_records, store_dataset
from core.store.db import make_engine
from ui.state import ACTIVE_DATASET

from apptest import open_page
from conftest import ROOT


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    open_page(at, "segmentation").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at: AppTest) -> dict[str, tuple[int, int, int]]:
    counts = {}
    for metric in at.metric:
        low, core, top = (int(x) for x in metric.value.split(" · "))
        counts[metric.label] = (low, core, top)
    return counts


def test_counts_per_role_follow_cutoffs(app_env: Path) -> None:
    """The demo team shows low · core · top per role; the 20/70/10 preset moves people between tiers."""
    at = _page()
    default = _counts(at)
    assert set(default) == {"Sales Development Rep", "Account Executive", "Account Manager"}
    at.selectbox(key="seg_preset").set_value("20/70/10").run()
    assert not at.exception
    changed = _counts(at)
    for role, (low, core, top) in changed.items():
        assert sum(default[role]) == low + core + top
        assert low >= default[role][0] and top <= default[role][2]


def test_filters_and_explanation(app_env: Path) -> None:
    """Filtering by tier narrows the table; the explanation states the tier and the role median."""
    at = _page()
    at.multiselect(key="seg_f_tier").set_value(["low"]).run()
    table = at.dataframe[0].value
    assert set(table["tier"]) == {"low"}
    text = " ".join(m.value for m in at.markdown)
    assert "**low** tier" in text and "role median" in text


def test_override_needs_reason_and_is_kept(app_env: Path) -> None:
    """An override without a reason is refused; with one, the tier changes, is stored, and survives a new window."""
    at = _page()
    person = at.selectbox(key="seg_person").value
    at.selectbox(key="seg_ov_tier").set_value("top")
    at.text_input(key="seg_ov_reason").set_value("")
    at.button(key="seg_ov_save").click().run()
    assert any("reason" in e.value for e in at.error)

    at.selectbox(key="seg_ov_tier").set_value("top")
    at.text_input(key="seg_ov_reason").set_value("Closed the biggest deal of the year in October")
    at.button(key="seg_ov_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    engine = make_engine(f"sqlite:///{app_env}")
    dataset_id = list_datasets(engine=engine)[0].id
    stored = current_overrides(engine=engine, dataset_id=dataset_id)
    assert stored["rep_id"].tolist() == [person] and stored["tier"].tolist() == ["top"]

    at.selectbox(key="seg_window").set_value(6).run()
    at.multiselect(key="seg_f_flags").set_value(["overridden"]).run()
    table = at.dataframe[0].value
    assert table["rep_id"].tolist() == [person]
    assert table["tier"].tolist() == ["top"]


def _every_role(at: AppTest, where: str) -> None:
    """Click each role's charts and check the page still shows its table and override form."""
    roles = at.segmented_control(key="seg_role").options
    assert len(roles) == 3, where
    for role in roles:
        at.segmented_control(key="seg_role").set_value(role).run()
        assert not at.exception, f"{where}, role {role}: {[e.value for e in at.exception]}"
        assert at.dataframe and at.selectbox(key="seg_ov_tier") is not None, f"{where}, role {role}"


def test_every_role_with_every_preset_and_every_window(app_env: Path) -> None:
    """Each role's charts render under every cut-off preset and every window (a chart that breaks for one fails)."""
    from core.scoring.tiers import PRESETS

    at = _page()
    for preset in PRESETS:
        at.selectbox(key="seg_preset").set_value(preset).run()
        _every_role(at, f"preset {preset}")
    at.selectbox(key="seg_preset").set_value(next(iter(PRESETS))).run()
    for window in at.selectbox(key="seg_window").options:
        at.selectbox(key="seg_window").set_value(window).run()
        _every_role(at, f"window {window}")


def test_an_incomplete_latest_month_is_left_out_with_a_choice(app_env: Path) -> None:
    """A stray row for a later month: the page warns, ends the window before it, and includes it when asked."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()  # loads the demo team
    engine = make_engine()
    team = load_records(engine=engine, dataset_id=1)
    last = str(team["period"].max())
    stray = team[team["period"] == last].head(1).assign(period=add_months(last, 1))
    messy = store_dataset(
        engine=engine,
        frame=pd.concat([team, stray], ignore_index=True),
        name="With a stray month",
        source_filename="stray.csv",
        source_sha256="2" * 64,
    )
    at.session_state[ACTIVE_DATASET] = messy
    open_page(at, "segmentation").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert f"so the window ends at {last}" in warning
    assert sum(sum(counts) for counts in _counts(at).values()) == team["rep_id"].nunique()
    at.checkbox(key="seg_incomplete").check().run()
    assert not at.exception
    assert "included in the window" in " ".join(w.value for w in at.warning)
