"""One or several files through the one path every command and the Upload page share (core.ingest.sources)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.export import to_csv_bytes
from core.governance.access import OPERATOR
from core.ingest.importer import import_prepared, previous_imports
from core.ingest.records.kinds import KindProblem
from core.ingest.records.parse import Answers
from core.ingest.sources import Source, derived_name, prepare_sources, recall_from
from core.schema import CANONICAL_COLUMNS
from core.store.datasets import load_records
from core.store.models import AuditEntry, ImportBatch

TEAM = DemoSpec(reps=12, months=3, seed=5, end="2026-03")


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """12 people over 3 months."""
    return generate_team(TEAM)


def _sources(files: dict[str, bytes]) -> list[Source]:
    return [Source(name, data) for name, data in files.items()]


def _same(got: pd.DataFrame, team: pd.DataFrame) -> None:
    expected = team.sort_values(["rep_id", "period"]).reset_index(drop=True)[list(CANONICAL_COLUMNS)]
    got = got.sort_values(["rep_id", "period"]).reset_index(drop=True)[list(CANONICAL_COLUMNS)]
    pd.testing.assert_frame_equal(got.astype(object).fillna(-1), expected.astype(object).fillna(-1), check_dtype=False)


def test_a_single_monthly_table_is_prepared_as_always(team: pd.DataFrame) -> None:
    """One monthly table: the classic path, its own file name and hash, no derivation."""
    data = to_csv_bytes(team)
    result = prepare_sources([Source("team.csv", data)])
    assert result.derivation is None and result.ready
    assert result.prepared is not None and result.prepared.filename == "team.csv" and not result.prepared.sources
    _same(result.prepared.frame, team)


def test_crm_exports_become_the_validated_monthly_table(team: pd.DataFrame) -> None:
    """Deals, calls, leads, snapshots and a people list: derived, validated, named after the files."""
    files = explode(team, CrmSpec(seed=2))
    result = prepare_sources(_sources(files))
    assert result.ready, (result.questions, result.problems)
    assert result.prepared is not None and result.derivation is not None
    _same(result.prepared.frame, team)
    assert result.prepared.rows_rejected == 0
    assert result.prepared.filename == derived_name(list(files))
    assert [s.filename for s in result.prepared.sources] == list(files)
    assert {s.kind for s in result.prepared.sources} == {"deals", "calls", "leads", "snapshots", "roster"}


def test_the_same_exports_under_other_names_hash_the_same(team: pd.DataFrame) -> None:
    """The derived table's hash depends on the content: renamed exports are recognised as imported before."""
    files = explode(team, CrmSpec(seed=2))
    renamed = {f"copy of {name}": data for name, data in files.items()}
    first, second = prepare_sources(_sources(files)), prepare_sources(_sources(renamed))
    assert first.prepared is not None and second.prepared is not None
    assert first.prepared.sha256 == second.prepared.sha256


def test_a_question_holds_the_table_back() -> None:
    """An unknown stage: nothing to store until it is answered; the answer fills it in."""
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn,Signed,10,2026-03-14\nAnn,Closed Won,20,2026-03-15\n"
    asked = prepare_sources([Source("d.csv", deals)])
    assert asked.prepared is None and not asked.ready
    assert [q.texts for q in asked.questions] == [("Signed",)]
    answered = prepare_sources([Source("d.csv", deals)], answers=Answers(stages={"Signed": "won"}))
    assert answered.ready and answered.prepared is not None
    assert answered.prepared.frame["deals_won"].tolist() == [2]


def test_a_file_that_fits_nothing_says_what_it_lacks() -> None:
    """A single file that is neither a CRM export nor a monthly table: the recognition sentence, not a traceback."""
    with pytest.raises(KindProblem, match="'notes.csv' was not recognised"):
        prepare_sources([Source("notes.csv", b"colour,shape\nred,round\n")])


def test_a_chosen_kind_and_columns_apply_to_one_file(team: pd.DataFrame) -> None:
    """The user's kind and column choice for one file win over what was recognised."""
    deals = b"Who,What,Value,When\nAnn,Closed Won,10,2026-03-14\n"
    with pytest.raises(KindProblem):
        prepare_sources([Source("d.csv", deals)])
    chosen = prepare_sources(
        [Source("d.csv", deals)],
        kinds={"d.csv": "deals"},
        mappings={"d.csv": {"owner": "Who", "stage": "What", "amount": "Value", "close_date": "When"}},
    )
    assert chosen.ready and chosen.prepared is not None
    assert chosen.prepared.frame["revenue_won"].tolist() == [10.0]
    with pytest.raises(KindProblem, match="'wizard' is not a kind"):
        prepare_sources([Source("d.csv", deals)], kinds={"d.csv": "wizard"})  # type: ignore[dict-item]


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_workbooks_mix_with_csv(team: pd.DataFrame) -> None:
    """A people list as a workbook and the exports as CSV derive the same table as all-CSV."""
    files = explode(team, CrmSpec(seed=4))
    roster_name = next(n for n in files if "people" in n.lower() or "roster" in n.lower() or "employee" in n.lower())
    roster = pd.read_csv(io.BytesIO(files[roster_name]), dtype=str, keep_default_na=False)
    mixed = {**{n: d for n, d in files.items() if n != roster_name}, "people.xlsx": _xlsx(roster)}
    result = prepare_sources(_sources(mixed))
    assert result.ready and result.prepared is not None
    _same(result.prepared.frame, team)


def test_import_remembers_each_files_kind_columns_and_answers(engine: Engine) -> None:
    """After an import, the next export with the same headers needs no choices and no answers again."""
    deals = b"Who,What,Value,When\nAnn,Signed,10,2026-03-14\nBo,Closed Lost,5,2026-03-20\n"
    choices = {
        "kinds": {"d.csv": "deals"},
        "mappings": {"d.csv": {"owner": "Who", "stage": "What", "amount": "Value", "close_date": "When"}},
        "answers": Answers(stages={"Signed": "won"}),
    }
    first = prepare_sources([Source("d.csv", deals)], recall=recall_from(engine), **choices)  # type: ignore[arg-type]
    assert first.prepared is not None
    outcome = import_prepared(engine=engine, prepared=first.prepared, name="March", viewer=OPERATOR)
    later = b"Who,What,Value,When\nAnn,Signed,30,2026-04-02\n"
    second = prepare_sources([Source("april.csv", later)], recall=recall_from(engine))
    assert second.ready and second.prepared is not None, (second.questions, second.problems)
    assert second.prepared.frame["revenue_won"].tolist() == [30.0]
    import_prepared(engine=engine, prepared=second.prepared, into=outcome.dataset_id, viewer=OPERATOR)
    stored = load_records(engine=engine, dataset_id=outcome.dataset_id)
    assert sorted(stored["period"].unique()) == ["2026-03", "2026-04"]
    assert previous_imports(engine=engine, sha256=first.prepared.sha256)[0].dataset_id == outcome.dataset_id
    with Session(engine) as session:
        batches = session.execute(select(ImportBatch.source_filename)).scalars().all()  # type: ignore[call-overload]
        details = session.execute(select(AuditEntry.detail).where(AuditEntry.action == "import")).scalars().all()  # type: ignore[call-overload]
    assert list(batches) == ["d.csv", "april.csv"]
    assert all("derived from 1 files (deals sha256 " in d for d in details)


def test_a_chosen_kind_without_a_required_column_says_which() -> None:
    """Choosing 'deals' for a file without a stage column: one sentence naming the file, the field and the option."""
    result = prepare_sources(
        [Source("x.csv", b"Owner,When,Amount\nAnn,2026-03-14,10\nBo,2026-03-15,20\n")], kinds={"x.csv": "deals"}
    )
    assert result.problems == [
        "'x.csv' has no column for stage, close_date (a deals export needs it); choose the column in the file's "
        "column mapping (command line: --map 'x.csv:Header=stage')."
    ]
