"""Deals, calls, leads, snapshots and a people list derive back to the monthly table they came from."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.ingest.records.derive import Derivation, derive
from core.ingest.records.kinds import read_records
from core.ingest.records.parse import Answers
from core.schema import CANONICAL_COLUMNS


def _derive(files: dict[str, bytes], answers: Answers | None = None) -> Derivation:
    return derive([read_records(data, name) for name, data in files.items()], answers=answers)


def _same(derived: pd.DataFrame, team: pd.DataFrame) -> None:
    expected = team.sort_values(["rep_id", "period"]).reset_index(drop=True)[list(CANONICAL_COLUMNS)]
    got = derived[list(CANONICAL_COLUMNS)]
    pd.testing.assert_frame_equal(got.astype(object).fillna(-1), expected.astype(object).fillna(-1), check_dtype=False)


def test_salesforce_files_derive_back() -> None:
    """A Salesforce-style export set in English derives back to the team, with a sentence per file."""
    team = generate_team(DemoSpec(reps=15, months=4, seed=3, end="2026-04"))
    result = _derive(explode(team, CrmSpec(seed=1)))
    assert result.complete, (result.questions, result.problems)
    _same(result.frame, team)
    deals = next(f for f in result.files if f.kind == "deals")
    assert deals.sentence.startswith("deals export (Salesforce-style): ")
    assert "closed in Jan–Apr 2026" in deals.sentence
    assert any("footer" in n for n in result.notes)
    assert not result.open_pipeline.empty


VENDORS = [("Salesforce", "de"), ("HubSpot", "nl"), ("Pipedrive", "de"), ("Dynamics 365", "en"), ("Zoho", "en"),
           ("Odoo", "de"), ("Salesforce", "nl"), ("HubSpot", "en"), ("Pipedrive", "en"), ("Odoo", "en")]  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reps=st.integers(3, 14),
    months=st.integers(2, 4),
    seed=st.integers(0, 10_000),
    dialect=st.sampled_from(VENDORS),
    day_first=st.booleans(),
)
def test_exploded_team_derives_back(
    reps: int, months: int, seed: int, dialect: tuple[str, str], day_first: bool
) -> None:
    """Property: a random monthly team exploded into records (any vendor, both date orders) derives back exactly."""
    vendor, language = dialect
    team = generate_team(DemoSpec(reps=reps, months=months, seed=seed, end="2026-06"))
    spec = CrmSpec(vendor=vendor, language=language, day_first=day_first or language != "en", seed=seed)
    result = _derive(explode(team, spec))
    assert not result.problems and not result.questions
    _same(result.frame, team)
