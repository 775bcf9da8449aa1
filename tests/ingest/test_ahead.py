"""The command line's files are read ahead while pandas loads, and that changes nothing but the time (#17).

``core.ingest.ahead`` reads the files a command names (and parses those in Coachwise's own layout with Arrow)
on a thread. The reading code then takes those bytes and that table instead of doing the work again — but
only for the very bytes the thread parsed; anything the thread could not do is done as before, and a command
that is over leaves nothing behind for the next one.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from core.cli import main
from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.forked import can_fork, worker
from core.ingest import ahead
from core.ingest.importer import Prepared
from core.ingest.sources import Source, prepare_sources
from core.schema import METRIC_COLUMNS


@pytest.fixture(autouse=True)
def _nothing_ahead() -> Iterator[None]:
    ahead.forget()
    yield
    ahead.forget()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts Arrow's parses of a file (the read-ahead's and the reading code's alike)."""
    count: list[int] = []
    real = ahead.arrow_cells

    def counted(data: bytes, headers: list[str]) -> object:
        count.append(len(data))
        return real(data, headers)

    monkeypatch.setattr(ahead, "arrow_cells", counted)
    return count


def _team_csv(path: Path, *, seed: int = 3, bom: bool = False) -> Path:
    text = generate_team(DemoSpec(reps=30, months=4, seed=seed, end="2026-04")).to_csv(index=False)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


def _prepared(path: Path) -> Prepared:
    result = prepare_sources([Source(path.name, ahead.file_bytes(str(path)))])
    assert result.prepared is not None
    return result.prepared


def _assert_same(one: Prepared, other: Prepared) -> None:
    pd.testing.assert_frame_equal(one.frame, other.frame)
    pd.testing.assert_frame_equal(one.report, other.report)
    pd.testing.assert_frame_equal(one.raw.frame.astype(object), other.raw.frame.astype(object))
    assert (one.rows_total, one.sha256, one.raw.encoding, one.warnings) == (
        other.rows_total,
        other.sha256,
        other.raw.encoding,
        other.warnings,
    )


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "Excel's UTF-8 mark"])
def test_the_table_read_ahead_is_the_one_used(bom: bool, tmp_path: Path, parses: list[int]) -> None:
    """Read ahead, the file is parsed once (on the thread) and gives exactly what reading it afterwards gives."""
    path = _team_csv(tmp_path / "team.csv", bom=bom)
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    early = _prepared(path)
    assert len(parses) == 1, "the reading code parsed the file again instead of taking the read-ahead's table"
    ahead.forget()
    late = _prepared(path)
    assert len(parses) == 2
    _assert_same(early, late)
    assert early.raw.encoding == ("utf-8-sig" if bom else "utf-8")


def test_only_the_very_bytes_parsed_are_handed_over(tmp_path: Path, parses: list[int]) -> None:
    """Equal bytes that are not the ones read ahead are parsed anew; the table is handed over once."""
    path = _team_csv(tmp_path / "team.csv")
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    data = ahead.file_bytes(str(path))
    copy = bytes(bytearray(data))
    headers = ahead.canonical_headers(data)
    assert headers is not None
    anew = ahead.cells(copy, headers)
    assert len(parses) == 2
    handed = ahead.cells(data, headers)
    assert len(parses) == 2
    assert anew is not None and handed is not None and anew.equals(handed)
    ahead.cells(data, headers)
    assert len(parses) == 3, "a table was handed over twice"


def test_the_text_columns_encoded_ahead_are_those_of_the_table_handed_over(tmp_path: Path) -> None:
    """The thread dictionary-encodes each text column of the table it parsed; they go with that table only,
    once, and are what encoding its columns afterwards gives."""
    path = _team_csv(tmp_path / "team.csv")
    table = _handed_over(path)
    headers = table.column_names
    assert ahead.dictionaries(ahead.arrow_cells(path.read_bytes(), headers)) == {}, "another table got its columns"
    table = _handed_over(path)
    encoded = ahead.dictionaries(table)
    assert set(encoded) == {h for h in headers if h not in METRIC_COLUMNS}
    for header, column in encoded.items():
        assert column.equals(pc.dictionary_encode(table.column(header).combine_chunks()))
    assert ahead.dictionaries(table) == {}, "handed over twice"


def _handed_over(path: Path) -> pa.Table:
    """A fresh read-ahead of ``path``, left to finish, and the table it hands over."""
    ahead.forget()
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    _finished()
    data = ahead.file_bytes(str(path))
    headers = ahead.canonical_headers(data)
    assert headers is not None
    table = ahead.cells(data, headers)
    assert table is not None
    return table


def _finished() -> None:
    """Until the read-ahead's thread is done with everything (waiting through ahead.wait() hurries it)."""
    assert ahead._started is not None
    ahead._started.thread.join()


def test_a_hurried_read_ahead_leaves_its_other_columns_to_the_reading_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Told to hurry (the command waits for it), the thread stops encoding; the columns it did not reach are
    encoded by the reading code, and the import is the same."""
    real = ahead._encoded
    some: list[int] = []

    def hurried(table: pa.Table, hurry: threading.Event) -> dict[str, pa.DictionaryArray]:
        hurry.set()
        assert real(table, hurry) == {}, "a hurried thread went on encoding"
        done = dict(list(real(table, threading.Event()).items())[:3])
        some.append(len(done))
        return done

    monkeypatch.setattr(ahead, "_encoded", hurried)
    path = _team_csv(tmp_path / "team.csv")
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    early = _prepared(path)
    assert some == [3]
    ahead.forget()
    _assert_same(early, _prepared(path))


def test_the_digest_taken_is_of_the_very_bytes_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread hashes the file it parsed; that digest is given for those bytes only, never for others."""
    path = _team_csv(tmp_path / "team.csv")
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    data = ahead.file_bytes(str(path))
    ahead.wait()
    monkeypatch.setattr(ahead, "sha256_bytes", lambda _data: "hashed again")
    assert ahead.sha256(data) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ahead.sha256(bytes(bytearray(data))) == "hashed again", "equal bytes, but not the ones read ahead"
    ahead.forget()
    assert ahead.sha256(data) == "hashed again", "a finished command's digest was kept"


def test_what_the_thread_cannot_use_is_read_as_before(tmp_path: Path, parses: list[int]) -> None:
    """A CRM export is read but not parsed ahead; a missing file fails as it always did; a file over the size
    limit is not read ahead."""
    crm = explode(generate_team(DemoSpec(reps=12, months=3, seed=2, end="2026-03")), CrmSpec(vendor="HubSpot"))
    name, export = "deals.csv", crm["deals.csv"]
    exported = tmp_path / name
    exported.write_bytes(export)
    big = _team_csv(tmp_path / "big.csv")
    missing = tmp_path / "missing.csv"
    ahead.read_ahead([str(exported), str(missing), str(big)], max_bytes=big.stat().st_size - 1)
    ahead.wait()
    assert parses == []
    assert ahead.file_bytes(str(exported)) == export
    with pytest.raises(FileNotFoundError):
        ahead.file_bytes(str(missing))
    assert ahead.file_bytes(str(big)) == big.read_bytes()


def test_a_finished_command_leaves_nothing_behind(tmp_path: Path) -> None:
    """After forget() (every command ends with it) a file written again is read again, not taken from before."""
    path = _team_csv(tmp_path / "team.csv", seed=3)
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    ahead.wait()
    ahead.forget()
    _team_csv(path, seed=4)
    assert ahead.file_bytes(str(path)) == path.read_bytes()


def test_two_commands_in_one_process_each_read_their_file(tmp_path: Path) -> None:
    """The command line run twice in one process on a file rewritten in between: the second run scores the new
    file (a read-ahead left over from the first would give the old one)."""
    path = tmp_path / "team.csv"
    outputs = []
    for seed in (3, 4):
        _team_csv(path, seed=seed)
        out = tmp_path / f"tiers-{seed}.csv"
        assert main(["segment", str(path), "--replicates", "0", "--out", str(out)]) == 0
        assert ahead._started is None, "the command left its read-ahead behind"
        outputs.append(pd.read_csv(out))
    assert not outputs[0].equals(outputs[1])
    expected = tmp_path / "expected.csv"
    assert main(["segment", str(path), "--replicates", "0", "--out", str(expected)]) == 0
    pd.testing.assert_frame_equal(outputs[1], pd.read_csv(expected))


@pytest.mark.skipif(not can_fork(), reason="the worker is forked on Linux only")
def test_the_worker_is_forked_after_the_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No read-ahead thread runs when the bootstrap's worker is forked (its copy would hold the thread's locks)."""
    real: Callable[[bytes, list[str]], object] = ahead.arrow_cells

    def slow(data: bytes, headers: list[str]) -> object:
        time.sleep(0.5)
        return real(data, headers)

    monkeypatch.setattr(ahead, "arrow_cells", slow)
    path = _team_csv(tmp_path / "team.csv")
    ahead.read_ahead([str(path)], max_bytes=1 << 30)
    pool = worker()
    try:
        assert not any(t.name == "read-ahead" for t in threading.enumerate())
    finally:
        if pool is not None:
            pool.shutdown()
