"""Benchmark: Coachwise's jobs on a large team, as ratios to a floor measured in the same run.

The floor is the time pandas (pyarrow engine) needs just to parse the same CSV file; each
job is reported in seconds and as a multiple of that floor, so figures compare across machines.
Run with `make bench` (REPS and MONTHS environment variables change the size).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from core.datasets import load_records, store_dataset
from core.db import init_db, make_engine
from core.demo import DemoSpec, generate_team

T = TypeVar("T")


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


def main() -> int:
    """Run the benchmark and print a table of seconds and ratios to the floor."""
    reps = int(os.environ.get("REPS", "20000"))
    months = int(os.environ.get("MONTHS", "24"))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "team.csv"
        spec = DemoSpec(reps=reps, months=months, seed=1, end="2026-10")
        frame = timed("demo: generate", lambda: generate_team(spec), results)
        timed("demo: write CSV", lambda: frame.to_csv(csv, index=False), results)
        timed("floor: pandas read_csv (pyarrow)", lambda: pd.read_csv(csv, engine="pyarrow"), results, repeat=3)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        init_db(engine)
        dataset_id = timed(
            "store in SQLite",
            lambda: store_dataset(
                engine=engine, frame=frame, name="bench", source_filename=csv.name, source_sha256="0" * 64
            ),
            results,
        )
        timed("load from SQLite", lambda: load_records(engine=engine, dataset_id=dataset_id), results)
    floor = results["floor: pandas read_csv (pyarrow)"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Coachwise benchmark: {reps:,} reps × {months} months = {len(frame):,} rows")
    print(f"{'job':<36}{'seconds':>10}{'× floor':>10}")
    for label, seconds in results.items():
        print(f"{label:<36}{seconds:>10.3f}{seconds / floor:>10.1f}")
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
