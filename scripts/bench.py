"""Benchmark: Coachwise's jobs on a large team, as ratios to a floor measured in the same run.

Two floors, both pandas' pyarrow engine reading the same CSV file:

- **whole processes** (what #17's goals are about): a fresh ``python -c "import pandas;
  pandas.read_csv(F, engine='pyarrow')"`` against fresh ``python -m core segment F`` / ``chains F`` /
  ``derive FILES`` processes, each with its own peak memory (``wait4``'s max RSS of that child), floor and
  jobs each the best of their runs (a shared machine's noise is one-sided: it only ever adds time) — for
  ``segment`` and ``chains`` five rounds in which the floor and the two jobs take turns;
- **in the server** (modules loaded): ``read_csv`` alone against the jobs a page runs.

Each job is reported in seconds and as a multiple of its floor, so figures compare across machines.
Run with `make bench`; REPS and MONTHS change the size (default 20,000 × 24), PAGE_REPS the team used
for the Segmentation page's rerun time (default 5,000), SCALES the team sizes `segment` and `chains` are also run
at to show how they grow (default 1000,20000,50000; empty to skip) with SCALE_MONTHS months each (default 18:
50,000 people × 24 months would be over the reader's 20-million-cell limit).
"""

from __future__ import annotations

import compileall
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pandas as pd

from core.coaching.chains import match_chains
from core.coaching.impact import ImpactSettings, estimate_from_records
from core.demo import DemoSpec, generate_programme, generate_team
from core.governance.alias import alias_frame
from core.ingest.importer import prepare
from core.scoring.segmentation import SegmentSettings, segment
from core.store.datasets import load_records, store_dataset
from core.store.db import init_db, make_engine

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, job: Callable[[], T], results: dict[str, float], repeat: int = 1) -> T:
    """Run ``job`` ``repeat`` times and keep the best wall time under ``label``."""
    best = float("inf")
    value: T
    for _ in range(repeat):
        start = time.perf_counter()
        value = job()
        best = min(best, time.perf_counter() - start)
    results[label] = best
    return value


_PEAK = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print('peak_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def best_process(args: list[str], runs: int = 3) -> tuple[float, float]:
    """:func:`process` ``runs`` times: the best wall time and the largest peak (as the floor is the best of three)."""
    measured = [process(args) for _ in range(runs)]
    return min(seconds for seconds, _ in measured), max(peak for _, peak in measured)


def process(args: list[str]) -> tuple[float, float]:
    """Run ``args`` as a fresh process; its wall time in seconds and its own peak memory in MB.

    Raises:
        RuntimeError: When the process fails (its standard error says why).
    """
    # A small interpreter starts the job and reports its peak: a child forked straight from this (large)
    # process would count this process's memory as its own.
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: rows left out, still a result
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().rsplit("\n", 1)[-1].split()[-1]) / 1024


def floor_process(files: list[Path]) -> tuple[float, float]:
    """The best of three fresh processes that only import pandas and read ``files`` with the pyarrow engine:
    (seconds, peak MB)."""
    runs = [process(_floor_args(files)) for _ in range(3)]
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def _floor_args(files: list[Path]) -> list[str]:
    """A fresh process that only imports pandas and reads ``files`` with the pyarrow engine."""
    reads = "; ".join(f"pandas.read_csv({str(f)!r}, engine='pyarrow')" for f in files)
    return [sys.executable, "-c", f"import pandas; {reads}"]


def whole_processes(csv: Path, tmp: Path, rounds: int = 5) -> list[tuple[str, float, float, float]]:
    """``segment`` and ``chains`` on ``csv`` as the command line runs them: (job, seconds, × floor, peak MB).

    The floor and the two jobs take turns, ``rounds`` times, and each keeps its best: the machine's speed drifts
    by a quarter within minutes, and three floors first, then three of each job, let a slow stretch land on one
    of them alone.
    """
    out = str(tmp / "out.csv")
    jobs = {"floor": _floor_args([csv])}
    jobs.update({c: [sys.executable, "-m", "core", c, str(csv), "--out", out] for c in ("segment", "chains")})
    best = dict.fromkeys(jobs, (float("inf"), 0.0))
    for _ in range(rounds):
        for job, args in jobs.items():
            seconds, peak = process(args)
            best[job] = (min(best[job][0], seconds), max(best[job][1], peak))
    floor, floor_peak = best["floor"]
    rows = [("floor: fresh process, pandas read_csv (pyarrow)", floor, 1.0, floor_peak)]
    for command, goal in (("segment", "≤ 3×"), ("chains", "≤ 4×")):
        seconds, peak = best[command]
        rows.append((f"`{command}` whole process (goal {goal})", seconds, seconds / floor, peak))
    return rows


def scaling(sizes: list[int], months: int, tmp: Path) -> list[tuple[int, int, float, float, float, float, float]]:
    """``segment`` and ``chains`` as whole processes at each team size, ``months`` months each.

    Returns (reps, rows, floor seconds, segment seconds, its peak MB, chains seconds, its peak MB).
    """
    out = []
    for reps in sizes:
        csv = tmp / f"team-{reps}.csv"
        frame = generate_team(DemoSpec(reps=reps, months=months, seed=1, end="2026-10"))
        frame.to_csv(csv, index=False)
        floor, _peak = floor_process([csv])
        runs = [
            process([sys.executable, "-m", "core", command, str(csv), "--out", str(tmp / "out.csv")])
            for command in ("segment", "chains")
        ]
        out.append((reps, len(frame), floor, *runs[0], *runs[1]))
        csv.unlink()
    return out


def page_rerun_seconds(reps: int, tmp: Path) -> tuple[float, float]:
    """Time the Segmentation page with ``reps`` people: first run (cold cache) and a rerun (cached)."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import open_page  # pages are functions: opened by URL path, as the page tests do

    db = tmp / "page.db"
    os.environ["COACHWISE_DB_PATH"] = str(db)
    os.environ.pop("DATABASE_URL", None)
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    frame = generate_team(DemoSpec(reps=reps, months=24, seed=2, end="2026-10"))
    store_dataset(engine=engine, frame=frame, name="bench", source_filename="bench.csv", source_sha256="1" * 64)
    from ui.cache import forget_all

    cold = float("inf")
    for _ in range(3):  # the best of three first runs, each after every cache is emptied (as a fresh server)
        forget_all()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
        start = time.perf_counter()
        open_page(at, "segmentation").run()
        cold = min(cold, time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"Segmentation page failed: {at.exception[0].value}")
    warm = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        at.run()
        warm = min(warm, time.perf_counter() - start)
    return cold, warm


def plans_seconds(people: int) -> tuple[float, int]:
    """Time the whole plans job for ``people``: tiers, chains, history, plans, PDFs into a ZIP."""
    from datetime import date

    from core.plans.content import file_stem, plans_from_records, to_markdown
    from core.plans.render import plans_zip

    team = generate_team(DemoSpec(reps=people, months=12, seed=5, end="2026-10"))
    start = time.perf_counter()
    plans = plans_from_records(team, settings=SegmentSettings(replicates=0), today=date(2026, 11, 23))
    data = plans_zip(plans, "pdf", file_stem=file_stem, markdown=to_markdown)
    return time.perf_counter() - start, len(data)


def derive_seconds(tmp: Path) -> tuple[float, float, dict[str, int], float, float]:
    """Time deriving the monthly table from CRM exports (#13): ~300,000 call rows, deals, leads, snapshots, roster.

    Returns (the floor: pandas' pyarrow engine only reading the same files; the derivation, validated
    as an upload; rows per file; a fresh process's floor; ``python -m core derive`` as a whole process).
    """
    from core.demo_crm import CrmSpec, explode
    from core.ingest.sources import Source, prepare_sources

    team = generate_team(DemoSpec(reps=int(os.environ.get("CRM_REPS", "100")), months=12, seed=1, end="2026-10"))
    files = explode(team, CrmSpec(seed=1, footer=False))  # no report footer: the floor's parser cannot skip one
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    floor = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        rows = {name: len(pd.read_csv(tmp / name, engine="pyarrow")) for name in files}
        floor = min(floor, time.perf_counter() - start)
    start = time.perf_counter()
    result = prepare_sources([Source(n, (tmp / n).read_bytes()) for n in files], max_bytes=1 << 30)
    seconds = time.perf_counter() - start
    if not result.ready:
        raise RuntimeError(f"derive failed: {result.questions or result.problems}")
    paths = [tmp / name for name in files]
    process_floor, _peak = floor_process(paths)
    whole, _ = best_process(
        [sys.executable, "-m", "core", "derive", *map(str, paths), "--out", str(tmp / "derived.csv")]
    )
    return floor, seconds, rows, process_floor, whole


def main() -> int:
    """Run the benchmark and print a table of seconds and ratios to the floor."""
    # Python writes a module's bytecode on its first import, so an installed Coachwise starts from it; an
    # environment with PYTHONDONTWRITEBYTECODE (CI images, this machine) never does, and every timed process
    # would compile Coachwise from source (~0.1 s the floor, importing compiled pandas, does not pay).
    compileall.compile_dir(ROOT / "core", quiet=1)
    reps = int(os.environ.get("REPS", "20000"))
    months = int(os.environ.get("MONTHS", "24"))
    page_reps = int(os.environ.get("PAGE_REPS", "5000"))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        csv = tmp / "team.csv"
        spec = DemoSpec(reps=reps, months=months, seed=1, end="2026-10")
        frame = timed("demo: generate", lambda: generate_team(spec), results)
        timed("demo: write CSV", lambda: frame.to_csv(csv, index=False), results)
        data = csv.read_bytes()
        timed("floor: pandas read_csv (pyarrow)", lambda: pd.read_csv(csv, engine="pyarrow"), results, repeat=3)
        limit = 1024 * 1024 * 1024  # the command line reads big files; the web upload has its own limit
        prepared = timed(
            "upload: read + map + parse + validate",
            lambda: prepare(data, csv.name, max_bytes=limit),
            results,
            repeat=3,  # the best of three, as its floor
        )
        settings = SegmentSettings()
        timed("segment: tiers and flags (records in memory)", lambda: segment(prepared.frame, settings), results)
        timed(
            "segment end to end (file -> tiers, as the CLI)",
            lambda: segment(prepare(data, csv.name, max_bytes=limit).frame, settings),
            results,
        )
        no_flags = SegmentSettings(replicates=0)
        timed(
            "chains end to end (file -> tiers -> pairs, as the CLI)",
            lambda: match_chains(segment(prepare(data, csv.name, max_bytes=limit).frame, no_flags)),
            results,
        )
        segmented = segment(prepared.frame, no_flags)
        timed("chains: matching only (tiers in memory)", lambda: match_chains(segmented), results)
        coached, pairs = generate_programme(replace(spec, programme_start="2026-05", programme_effect=0.5))
        timed(
            "impact: history + DiD + bootstrap (1,000 re-draws)",
            lambda: estimate_from_records(coached, pairs, ImpactSettings()),
            results,
        )
        timed(
            "presentation mode: alias every name (records)",
            lambda: alias_frame(prepared.frame, b"bench-key"),
            results,
        )
        engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
        init_db(engine)
        dataset_id = timed(
            "store in SQLite",
            lambda: store_dataset(
                engine=engine, frame=frame, name="bench", source_filename=csv.name, source_sha256="0" * 64
            ),
            results,
        )
        timed("load from SQLite", lambda: load_records(engine=engine, dataset_id=dataset_id), results)
        crm_floor, crm_seconds, crm_rows, crm_process_floor, crm_process = derive_seconds(tmp)
        processes = whole_processes(csv, tmp)
        sizes = [int(n) for n in os.environ.get("SCALES", "1000,20000,50000").split(",") if n.strip()]
        scale_months = int(os.environ.get("SCALE_MONTHS", "18"))
        grown = scaling(sorted(set(sizes)), scale_months, tmp)
        cold, warm = page_rerun_seconds(page_reps, tmp)
        plan_count = int(os.environ.get("PLANS", "1000"))
        plan_time, zip_size = plans_seconds(plan_count)
    floor = results["floor: pandas read_csv (pyarrow)"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Coachwise benchmark: {reps:,} reps × {months} months = {len(frame):,} rows, {len(data) / 1e6:.0f} MB CSV")
    print(f"{'job':<58}{'seconds':>10}{'× floor':>10}")
    for label, seconds in results.items():
        print(f"{label:<58}{seconds:>10.3f}{seconds / floor:>10.1f}")
    listed = ", ".join(f"{n} {r:,}" for n, r in crm_rows.items())
    print(
        f"derive (CRM exports -> validated monthly table; rows: {listed}): {crm_seconds:.2f} s = "
        f"{crm_seconds / crm_floor:.1f}× its floor of {crm_floor:.3f} s (pyarrow reading the same files); goal ≤ 3×"
    )
    print(
        f"derive as a whole process: {crm_process:.2f} s = {crm_process / crm_process_floor:.1f}× a fresh process "
        f"reading the same files ({crm_process_floor:.3f} s); goal ≤ 3×"
    )
    print(f"\nWhole processes on the same {len(data) / 1e6:.0f} MB file:")
    print(f"{'job':<58}{'seconds':>10}{'× floor':>10}{'peak MB':>10}")
    for label, seconds, ratio, peak in processes:
        print(f"{label:<58}{seconds:>10.3f}{ratio:>10.1f}{peak:>10,.0f}")
    print(f"\nHow the whole processes grow with the team, {scale_months} months each:")
    print(
        f"{'reps':>8}{'rows':>12}{'floor s':>9}{'segment s':>11}{'×':>6}{'µs/row':>8}{'MB':>7}"
        f"{'chains s':>10}{'×':>6}{'µs/row':>8}{'MB':>7}"
    )
    for n, rows, base, seg, seg_mb, chn, chn_mb in grown:
        print(
            f"{n:>8,}{rows:>12,}{base:>9.2f}{seg:>11.2f}{seg / base:>6.1f}{seg / rows * 1e6:>8.1f}{seg_mb:>7,.0f}"
            f"{chn:>10.2f}{chn / base:>6.1f}{chn / rows * 1e6:>8.1f}{chn_mb:>7,.0f}"
        )
    print(f"Segmentation page, {page_reps:,} reps × 24 months: first run {cold:.2f} s, cached rerun {warm:.3f} s")
    print(
        f"Plans: {plan_count:,} PDF plans in a ZIP in {plan_time:.1f} s ({plan_count / plan_time:.0f} plans/s, "
        f"{zip_size / 1e6:.1f} MB); goal ≤ 30 s (#17)"
    )
    print(f"peak memory of the benchmark process itself (max RSS): {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
