"""Reading the command line's files while Python is still loading pandas (#17).

A command such as ``segment`` spends its first half second importing pandas and the scoring modules, one
core busy and the other idle, and only then reads its file. Arrow parses a CSV file without the
interpreter's lock, so the file can be read and parsed on a thread during those imports:
:func:`read_ahead` starts that as soon as the arguments are known, and the reading code then takes the
result (:func:`file_bytes`, :func:`cells`) instead of doing the same work again. While the imports go on,
the thread also hashes the file (:func:`sha256`) and dictionary-encodes its text columns
(:func:`dictionaries`), column by column until the command asks for the table.

It only ever does what the reading code would do itself, on the same bytes: when the thread found nothing
(a file that is not there, too big, not in Coachwise's own layout, not parseable) or was never started,
the reading code reads and parses as before and reports what it always reported. Nothing here imports
pandas: this module is loaded before it.
"""

from __future__ import annotations

import codecs
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from core.schema import CANONICAL_COLUMNS, METRIC_COLUMNS
from core.store.digest import sha256_bytes

if TYPE_CHECKING:
    import pyarrow as pa

SNIFF_BYTES: Final = 64 * 1024
"""How much of a file is inspected to tell text from binary and to find the separator."""


def without_bom(data: bytes) -> bytes:
    """A file's bytes without Excel's UTF-8 mark in front (the same object when it has none)."""
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def canonical_headers(data: bytes) -> list[str] | None:
    """The headers of a CSV file whose first line is canonical field names separated by commas; else None."""
    payload = without_bom(data)
    end = payload.find(b"\n", 0, SNIFF_BYTES)
    try:
        headers = payload[: end if end >= 0 else SNIFF_BYTES].rstrip(b"\r").decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if len(set(headers)) != len(headers) or not set(headers) <= set(CANONICAL_COLUMNS):
        return None
    return headers


def arrow_text(payload: bytes, separator: str, names: list[str], *, header: bool, large: bool) -> pa.Table:
    """Arrow's read of a CSV file's text with every cell as written (blank as ``""``, quoted line breaks kept,
    blank lines as rows), into columns ``names`` — the file's first line when ``header``, else columns of
    their own — as large or plain Arrow text.

    Raises:
        pyarrow.ArrowInvalid: A row with another number of fields, or text Arrow cannot read.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        io.BytesIO(payload),
        read_options=pacsv.ReadOptions() if header else pacsv.ReadOptions(column_names=names),
        parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string() if large else pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )


def _encoded(table: pa.Table, hurry: threading.Event) -> dict[str, pa.DictionaryArray]:
    """The text columns of a table in Coachwise's layout, each as one dictionary-encoded array (what the
    checks look at is the distinct texts: a month column has 24), until ``hurry`` is set: the columns not
    reached are left to the reading code. Arrow's compute module proper is not loaded yet (pandas loads it
    on the other thread); its kernels are called through ``pyarrow._compute``."""
    import pyarrow._compute as kernels

    encoded = {}
    for header in table.column_names:
        if hurry.is_set():
            break
        if header not in METRIC_COLUMNS:
            encoded[header] = kernels.call_function("dictionary_encode", [table.column(header).combine_chunks()])
    return encoded


def arrow_cells(data: bytes, headers: list[str]) -> pa.Table | None:
    """Every cell of a CSV file in Coachwise's layout (``headers``, its first line) as Arrow text, blank as
    ``""``, as the general reader's grid holds them; None when Arrow cannot read it (the general path decides)."""
    import pyarrow as pa

    try:
        return arrow_text(without_bom(data), ",", headers, header=True, large=True)
    except (pa.ArrowInvalid, ValueError):
        return None


@dataclass
class _File:
    path: str
    data: bytes | None = None
    headers: list[str] | None = None
    table: pa.Table | None = None
    encoded: dict[str, pa.DictionaryArray] | None = None
    """Each text column of :attr:`table`, dictionary-encoded (see :func:`dictionaries`)."""
    hashed: bytes | None = None
    """The bytes :attr:`sha256` is of, kept until :func:`forget` (whoever asks must hold these very bytes)."""
    sha256: str | None = None


class _Ahead:
    def __init__(self, paths: Sequence[str], max_bytes: int) -> None:
        self.files = [_File(p) for p in paths]
        self.max_bytes = max_bytes
        self.hurry = threading.Event()  # the command waits: what is optional is left undone
        self.thread = threading.Thread(target=self._read, name="read-ahead", daemon=True)

    def _read(self) -> None:
        for file in self.files:
            try:
                path = Path(file.path)
                if path.stat().st_size > self.max_bytes:
                    continue  # refused by size later, without reading it
                file.data = path.read_bytes()
                if path.suffix.lower() != ".csv":
                    continue
                file.headers = canonical_headers(file.data)
                if file.headers is not None:
                    file.table = arrow_cells(file.data, file.headers)
                    # Hashing lets go of the interpreter too: done here, not after the checks (#17).
                    file.hashed, file.sha256 = file.data, sha256_bytes(file.data)
                    if file.table is not None:
                        file.encoded = _encoded(file.table, self.hurry)
            except Exception:  # read again later, where the problem is reported as it always was
                continue


_started: _Ahead | None = None
_handed: tuple[pa.Table, dict[str, pa.DictionaryArray]] | None = None
"""The last table :func:`cells` handed over, with its columns encoded (for :func:`dictionaries`)."""
_lock: Final = threading.Lock()


def read_ahead(paths: Sequence[str], *, max_bytes: int) -> None:
    """Start reading ``paths`` (and parsing those in Coachwise's own CSV layout) on a thread.

    Call it from the main thread before importing pandas: it imports Arrow first, here, so that no two
    threads import the same extension modules at once (numpy and pandas do not survive that).
    """
    global _started  # one read-ahead at a time: the running command's files
    import pyarrow._compute  # noqa: F401  (see above; the kernels of :func:`_encoded`)
    import pyarrow.csv  # noqa: F401

    with _lock:
        if _started is not None or not paths:
            return
        _started = _Ahead(paths, max_bytes)
        _started.thread.start()


def forget() -> None:
    """Wait for the read-ahead and drop what it holds: the command is done (a next one reads its own files)."""
    global _started, _handed
    wait()
    with _lock:
        _started = _handed = None


def wait() -> None:
    """Until the read-ahead thread is done (before forking: a copy of this process must not hold its locks).

    The thread is told to hurry: it finishes the step it is in, but encodes no further column (the reading
    code encodes those itself, on two threads)."""
    if _started is not None:
        _started.hurry.set()
        _started.thread.join()


def file_bytes(path: str) -> bytes:
    """The file's bytes: those read ahead when the thread read ``path``, else read now. Handed over once: the
    read-ahead keeps them only as long as it holds their table for :func:`cells`."""
    wait()
    if _started is not None:
        with _lock:
            for file in _started.files:
                if file.path == path and file.data is not None:
                    data = file.data
                    if file.table is None:
                        file.data = None
                    return data
    return Path(path).read_bytes()


def sha256(data: bytes) -> str:
    """:func:`~core.store.digest.sha256_bytes` of ``data``: the read-ahead's when it hashed these very bytes."""
    wait()
    if _started is not None:
        with _lock:
            for file in _started.files:
                if file.hashed is data and file.sha256 is not None:
                    return file.sha256
    return sha256_bytes(data)


def dictionaries(table: pa.Table) -> dict[str, pa.DictionaryArray]:
    """The text columns of ``table`` dictionary-encoded by the read-ahead (:func:`_encoded`) when it is the very
    table :func:`cells` handed over (then forgotten); else nothing — the caller encodes them itself."""
    global _handed
    with _lock:
        handed, _handed = _handed, None
    return handed[1] if handed is not None and handed[0] is table else {}


def cells(data: bytes, headers: list[str]) -> pa.Table | None:
    """:func:`arrow_cells` of ``data``: the read-ahead's table when it parsed these very bytes with these headers
    (handed over once, then forgotten), else parsed now."""
    global _handed
    wait()
    if _started is not None:
        with _lock:
            for file in _started.files:
                if file.data is data and file.headers == headers and file.table is not None:
                    table, file.table, file.data = file.table, None, None
                    _handed, file.encoded = (table, file.encoded or {}), None
                    return table
    return arrow_cells(data, headers)
