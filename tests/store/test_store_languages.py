"""The store's sentences (busy, read-only, full, a missing dataset) in German and Dutch; English stays as it was."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from core.i18n import speaking
from core.store.datasets import append_to_dataset
from core.store.db import StoreBusy, describe_store_error, store_location

DB = "/srv/coachwise/data/coachwise.db"
BUSY_EN = "The store is busy with another change, so nothing was saved; your text is kept — try again in a moment."


def test_a_busy_store_in_dutch() -> None:
    """StoreBusy is worded when it is raised, in the language core speaks then."""
    assert str(StoreBusy()) == BUSY_EN
    with speaking("nl"):
        dutch = str(StoreBusy())
    assert dutch == (
        "De database is bezig met een andere wijziging, dus er is niets opgeslagen; je tekst blijft bewaard — "
        "probeer het zo meteen opnieuw."
    )


@pytest.mark.parametrize(
    ("lang", "driver_message", "expected"),
    [
        ("de", "attempt to write a readonly database", f"Die Datenbank ({DB}) ist schreibgeschützt"),
        ("de", "database or disk is full", f"Der Datenträger der Datenbank ({DB}) ist voll"),
        ("nl", "database is locked", f"De database ({DB}) is bezig met een andere wijziging"),
        ("nl", "unable to open database file", f"De database ({DB}) kan niet worden geopend"),
    ],
)  # fmt: skip
def test_store_errors_in_german_and_dutch(lang: str, driver_message: str, expected: str) -> None:
    """The sentence is chosen from the driver's English words, then written in the reader's language."""
    exc = OperationalError(
        "INSERT INTO period_record VALUES (?)", [("E-4711",)], sqlite3.OperationalError(driver_message)
    )
    with speaking(lang):
        message = describe_store_error(exc, f"sqlite:///{DB}")
    assert message.startswith(expected)
    assert "INSERT" not in message and "E-4711" not in message and driver_message not in message


def test_where_the_data_lives_in_german() -> None:
    """An in-memory or unreadable URL is named in words of the reader's language; a path stays a path."""
    assert store_location("sqlite://") == "an in-memory database"
    with speaking("de"):
        assert store_location("sqlite://") == "eine Datenbank im Arbeitsspeicher"
        assert store_location("not a url at all") == "die konfigurierte Datenbank"
        assert store_location("sqlite:////srv/c.db") == "/srv/c.db"


def test_a_missing_dataset_in_dutch(engine: Engine, small_team: pd.DataFrame) -> None:
    """Adding months to a dataset that is gone says so in Dutch, with its id as the store has it."""
    with pytest.raises(ValueError, match=r"^Dataset 4711 does not exist \(any more\); choose another one\.$"):
        append_to_dataset(engine=engine, dataset_id=4711, frame=small_team, overlap="keep")
    with speaking("nl"), pytest.raises(ValueError, match=r"^Dataset 4711 bestaat niet \(meer\); kies een andere\.$"):
        append_to_dataset(engine=engine, dataset_id=4711, frame=small_team, overlap="keep")
