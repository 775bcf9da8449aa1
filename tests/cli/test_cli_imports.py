"""A file-in/file-out command loads no database or web stack (#17: over a second of every run was imports).

Each command runs in a fresh interpreter, through ``python -m core`` as a user runs it, and the modules it
loaded are listed at exit: SQLModel, SQLAlchemy, Alembic, Streamlit, ReportLab, python-docx and openpyxl
(a CSV needs no workbook library) must not be among them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode

from conftest import ROOT

HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "streamlit", "reportlab", "docx", "openpyxl")

# Runs `python -m core ARGS` in this interpreter and prints the top-level packages it loaded from an exit handler:
# a command that touched no database ends without the interpreter's teardown (core.cli.leave), after those.
PROBE = """
import atexit, json, runpy, sys
sys.argv = ["python -m core", *sys.argv[1:]]
atexit.register(lambda: print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr))
runpy.run_module("core", run_name="__main__", alter_sys=True)
"""


def _loaded(args: list[str], tmp_path: Path) -> tuple[int, set[str], str]:
    env = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "never.db")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    modules = json.loads(result.stderr.strip().splitlines()[-1])
    return result.returncode, set(modules), result.stderr


@pytest.fixture(scope="module")
def team_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small monthly table."""
    path = tmp_path_factory.mktemp("imports") / "team.csv"
    generate_team(DemoSpec(reps=40, months=4, seed=3, end="2026-10")).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("command", ["segment", "chains", "check", "derive"])
def test_file_commands_load_no_database_or_web_stack(command: str, team_csv: Path, tmp_path: Path) -> None:
    """segment, chains, check and derive on a CSV: no SQLModel, SQLAlchemy, Alembic, Streamlit, ReportLab, openpyxl."""
    out = [] if command == "check" else ["--out", str(tmp_path / "out.csv")]
    code, modules, stderr = _loaded([command, str(team_csv), *out], tmp_path)
    assert code == 0, stderr
    assert not modules & set(HEAVY), f"{command} loaded {sorted(modules & set(HEAVY))}"
    assert not (tmp_path / "never.db").exists()


def test_derive_from_crm_exports_loads_no_database_stack(tmp_path: Path) -> None:
    """Deriving the monthly table from CRM exports and a people list stays file-in/file-out too."""
    team = generate_team(DemoSpec(reps=8, months=2, seed=4, end="2026-10"))
    paths = []
    for name, data in explode(team, CrmSpec(seed=4)).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    code, modules, stderr = _loaded(["derive", *paths, "--out", str(tmp_path / "monthly.csv")], tmp_path)
    assert code == 0, stderr
    assert not modules & set(HEAVY), f"derive loaded {sorted(modules & set(HEAVY))}"


def test_the_probe_sees_the_stack_when_a_command_needs_it(tmp_path: Path) -> None:
    """The check above would notice: `datasets` opens the database and so loads SQLAlchemy."""
    code, modules, stderr = _loaded(["datasets"], tmp_path)
    assert code == 0, stderr
    assert {"sqlalchemy", "sqlmodel"} <= modules


def test_a_german_command_stays_light(team_csv: Path, tmp_path: Path) -> None:
    """`check --lang de` reads the German catalogue and Babel's number formats, and still no database stack."""
    code, modules, stderr = _loaded(["check", str(team_csv), "--lang", "de"], tmp_path)
    assert code == 0, stderr
    assert "Zeilen" in stderr
    assert not modules & set(HEAVY), f"check --lang de loaded {sorted(modules & set(HEAVY))}"


def test_the_arguments_are_read_before_pandas_loads() -> None:
    """The command line's own module loads no pandas or numpy: the files it names are read ahead on a thread
    while those load (core.ingest.ahead), which only helps when the arguments come first."""
    probe = "import sys, core.cli; print(sorted({'pandas', 'numpy', 'pyarrow'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
