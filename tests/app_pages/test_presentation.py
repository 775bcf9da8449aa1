"""Presentation mode: with it on, no real name reaches the browser on any page, nor an export."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from core.demo import ensure_demo_dataset
from core.plans.store import add_checkin
from core.scoring.overrides import set_override
from core.store.datasets import load_people
from core.store.db import init_db, make_engine
from ui.nav import PAGES
from ui.state import PRESENTING

from apptest import open_page
from conftest import ROOT

APP = str(ROOT / "app.py")


def _sent(node: Any) -> bytes:
    """Everything the page would send to the browser: each element's message, serialised."""
    out = b""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "SerializeToString"):
        out += proto.SerializeToString()
    for child in getattr(node, "children", {}).values():
        out += _sent(child)
    return out


def _real_names(db: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{db}")
    people = load_people(engine=engine, dataset_id=1)
    names = set(people["name"]) | set(people["manager"])
    return sorted(n for n in names if n)


@pytest.fixture
def demo_db(app_env: Path) -> Path:
    """The demo team, with an override reason and a check-in note that quote a real name."""
    engine = make_engine(f"sqlite:///{app_env}")
    init_db(engine)
    ensure_demo_dataset(engine=engine)
    people = load_people(engine=engine, dataset_id=1)
    first, second = people.iloc[0], people.iloc[1]
    set_override(
        engine=engine,
        dataset_id=1,
        rep_id=str(first["rep_id"]),
        tier="core",
        reason=f"Agreed with {second['name']} in the review",
        changed_by="local admin",
    )
    from datetime import date

    add_checkin(
        engine=engine,
        dataset_id=1,
        rep_id=str(first["rep_id"]),
        held_on=date(2026, 11, 2),
        note=f"Shadowed {second['name']} on two calls",
        next_step="Try the new opener",
        changed_by="local admin",
    )
    return app_env


def _presenting() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state[PRESENTING] = True
    return at.run()


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_no_real_name_reaches_the_browser(demo_db: Path, page: Any) -> None:
    """Every page, rendered in presentation mode, sends none of the dataset's names (people or managers)."""
    names = _real_names(demo_db)
    at = _presenting()
    open_page(at, page.url_path).run()
    assert not at.exception, [e.value for e in at.exception]
    sent = _sent(at._tree)
    leaked = [n for n in names if n.encode("utf-8") in sent]
    assert not leaked, leaked[:5]
    # The same page without presentation mode does show names (so the check above can fail).
    if page.url_path in ("segmentation", "plans"):
        at.toggle(key=PRESENTING).set_value(False).run()
        assert any(n.encode("utf-8") in _sent(at._tree) for n in names)


def test_plans_zip_made_in_presentation_mode_holds_aliases_only(demo_db: Path) -> None:
    """Plans and HR briefs exported while presenting carry aliases, and a ZIP made before is not offered."""
    names = _real_names(demo_db)
    at = AppTest.from_file(APP, default_timeout=90).run()
    open_page(at, "plans").run()
    at.radio(key="pl_zip_fmt").set_value("md").run()
    at.button(key="pl_zip_go").click().run()
    assert at.session_state["pl_zip"][3][:2] == b"PK"
    at.toggle(key=PRESENTING).set_value(True).run()
    assert not [b for b in at.get("download_button") if "ZIP" in str(b.proto.label)]  # stale real-name ZIP hidden
    at.button(key="pl_zip_go").click().run()
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["pl_zip"][3]))
    text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    text += " ".join(archive.namelist())
    assert len(archive.namelist()) > 10
    assert not [n for n in names if n in text]


def test_an_uploaded_file_shows_aliases_in_presentation_mode(app_env: Path) -> None:
    """A client's file uploaded on a projector: preview, report and notes show no name from the file."""
    from core.demo import DemoSpec, generate_team

    from files import german_csv

    team = generate_team(DemoSpec(reps=20, months=2, seed=5, end="2026-02"))
    team.loc[team.index[1], "name"] = team.loc[team.index[0], "name"] + " Jr"  # a name change: a warning quoting names
    team["calls"] = team["calls"].astype(object)
    team.loc[team.index[team["role"] == "SDR"][0], "calls"] = "viele"
    at = _presenting()
    open_page(at, "upload").run()
    at.file_uploader(key="up_file").set_value(("kunde.csv", german_csv(team), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.label == "Will be skipped" for m in at.metric)
    sent = _sent(at._tree)
    names = sorted(set(team["name"]) | set(team["manager"]))
    assert not [n for n in names if n.encode("utf-8") in sent]
