"""A chain edit refused in German or Dutch, and the small core sentences (months, long values, languages)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.coaching.edits import add_edit, start_pairs, swap_coach
from core.i18n import language, speaking
from core.months import month_index
from core.store.datasets import sha256_bytes, store_dataset
from core.text import shorten


@pytest.fixture
def dataset_id(engine: Engine, small_team: pd.DataFrame) -> int:
    """A stored dataset to edit."""
    return store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"x")
    )


def test_chain_edits_refused_in_german_and_dutch(engine: Engine, dataset_id: int) -> None:
    """A swap to the same coach, a month that is none and another team's coachee: each refusal in the reader's words."""
    swap = {"engine": engine, "dataset_id": dataset_id, "coachee_id": "S1", "changed_by": "Ann", "scope": None}
    with pytest.raises(ValueError, match=r"^Choose a different coach to swap to\.$"):
        swap_coach(old_coach_id="A1", new_coach_id="A1", **swap)  # type: ignore[arg-type]
    with speaking("de"):
        with pytest.raises(ValueError, match=r"^Wählen Sie einen anderen Coach zum Tauschen\.$"):
            swap_coach(old_coach_id="A1", new_coach_id="A1", **swap)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"^'Nov' ist kein Monat wie 2026-11\.$"):
            start_pairs(
                engine=engine, dataset_id=dataset_id, pairs=[("A1", "S1")], month="Nov", changed_by="Ann", scope=None
            )
    with speaking("nl"), pytest.raises(ValueError) as refused:
        add_edit(
            engine=engine,
            dataset_id=dataset_id,
            kind="lock",
            coach_id="A1",
            coachee_id="S9",
            changed_by="mia",
            scope=frozenset({"A1", "S1"}),
        )
    assert str(refused.value) == (
        "S9 valt niet onder jou, dus alleen de eigen leidinggevende of een beheerder kan wijzigen wie deze "
        "persoon coacht; er is niets opgeslagen."
    )


def test_months_long_values_and_languages_in_each_language() -> None:
    """A month that is none, a long value's length (grouped as the reader writes numbers) and an unknown language."""
    with pytest.raises(ValueError, match=r"^'2026/11' is not a month written as YYYY-MM\.$"):
        month_index("2026/11")
    with speaking("de"), pytest.raises(ValueError, match=r"^'2026/11' ist kein Monat in der Form JJJJ-MM\.$"):
        month_index("2026/11")
    long = "x" * 10_000
    assert shorten(long).endswith("… (10,000 characters)")
    with speaking("de"):
        assert shorten(long).endswith("… (10.000 Zeichen)")
    with speaking("nl"):
        assert shorten(long).endswith("… (10.000 tekens)")
        with pytest.raises(ValueError, match=r"^'fr' is geen taal die Coachwise spreekt; gebruik een van en, de, nl"):
            language("fr")
    with pytest.raises(ValueError, match=r"^'fr' is not a language Coachwise speaks; use one of en, de, nl \("):
        language("fr")
