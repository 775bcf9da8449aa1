"""A command-line process keeps the memory it frees, and the worker prepares its own (core.memory, #17).

Resident memory is read from /proc: a block freed and kept stays resident; one given back leaves. Each case
that changes the allocator's settings runs in a fresh interpreter, so this test process keeps its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core import memory
from core.demo import DemoSpec, generate_team
from core.memory import glibc, prepare_memory

from conftest import ROOT

pytestmark = pytest.mark.skipif(not glibc(), reason="the memory settings are glibc's")

# Frees three 20 MB blocks (each above glibc's default mmap threshold, below the kept one) and prints how much
# of them stayed resident, in MB; before that, {before} (nothing, the settings, or a whole command).
PROBE = """
import json, os, sys
{before}
page = os.sysconf("SC_PAGE_SIZE")
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page / 2**20
blocks = [bytearray(20 * 2**20) for _ in range(3)]
for block in blocks:
    block[:: 4096] = b"x" * len(block[:: 4096])  # touched: resident
held = resident()
del blocks, block
print(json.dumps(round(resident() - held + 60)), file=sys.__stderr__)
"""


def _kept_mb(before: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(before=before)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return int(json.loads(result.stderr.strip().splitlines()[-1]))


def test_freed_memory_is_kept_only_when_asked() -> None:
    """By default glibc gives the freed blocks back; after keep_freed_memory() they stay with the process."""
    assert _kept_mb("") < 20
    assert _kept_mb("from core.memory import keep_freed_memory; assert keep_freed_memory()") >= 55


def test_the_command_line_keeps_it(tmp_path: Path) -> None:
    """`python -m core check FILE` runs with the setting (the probe's blocks are freed after the command)."""
    team = tmp_path / "team.csv"
    generate_team(DemoSpec(reps=10, months=2, seed=3, end="2026-10")).to_csv(team, index=False)
    command = (
        "import atexit, runpy, sys; "
        f"sys.argv = ['python -m core', 'check', {str(team)!r}]; "
        "import core.cli; core.cli.leave = lambda code: None; "
        "runpy.run_module('core', run_name='__main__', alter_sys=True)"
    )
    assert _kept_mb(command) >= 55


def test_prepared_memory_stays_with_the_process() -> None:
    """The megabytes asked for are touched and kept: the process's resident memory grows by them and stays."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert prepare_memory(48) == 48
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # kilobytes
    assert grown >= 40 * 1024 or before > 400 * 1024  # a process already that big may reuse freed memory


def test_nothing_to_prepare_or_not_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """No megabytes, or another C library (musl): nothing is touched and nothing set."""
    assert prepare_memory(0) == 0
    monkeypatch.setattr(memory, "glibc", lambda: False)
    assert prepare_memory(64) == 0
    assert not memory.keep_freed_memory()
