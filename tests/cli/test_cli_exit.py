"""How ``python -m core`` ends (core.cli.leave): at once after a file-in/file-out job, the usual way otherwise (#17).

Each case runs in a fresh interpreter. An object whose finaliser writes "teardown" tells whether the
interpreter's own exit ran; an exit handler must run either way, and everything written must arrive.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = """
import atexit, sys, threading, time
from core.cli import leave

class Noisy:
    def __del__(self):
        sys.stderr.write("teardown\\n")

kept = Noisy()
atexit.register(lambda: sys.stderr.write("exit handler\\n"))
sys.stdout.write("x" * 200_000)  # buffered, not flushed
{before}
leave(3)
"""


def _run(before: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(before=before)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_job_without_a_database_ends_at_once() -> None:
    """The code passes through, exit handlers run, buffered output arrives; the teardown is skipped."""
    result = _run()
    assert result.returncode == 3, result.stderr
    assert result.stdout == "x" * 200_000
    assert "exit handler" in result.stderr
    assert "teardown" not in result.stderr


@pytest.mark.parametrize(
    "before",
    [
        "import sqlalchemy",  # a database library is loaded: its connections are closed by the usual exit
        "threading.Thread(target=time.sleep, args=(0.3,)).start()",  # a thread still runs: it is waited for
    ],
)
def test_otherwise_the_usual_exit(before: str) -> None:
    """With a database library loaded or a thread still running, the interpreter ends as it always did."""
    result = _run(before)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "x" * 200_000
    assert "exit handler" in result.stderr
    assert "teardown" in result.stderr
