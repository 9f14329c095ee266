"""Benchmark harness: run rankwise and its peers on the same data in one invocation, print ratios.

Each bench_<name>.py builds a list of Rows (what was measured, rankwise's time, the peer's time)
and calls report(). rankwise programs are built by CMake into build/bench/ and print one JSON
object per measurement on rank 0; peers (Dask, pandas, scikit-learn, numpy) run in this Python
process from Debian's packages.

Usage from a bench script:
    rows = [Row("100k tasks, 2 ranks", rankwise_s, dask_s, peer="dask threaded")]
    report("Task overhead", rows)
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("RANKWISE_BUILD_DIR", ROOT / "build"))


def mpi_env() -> dict:
    env = dict(os.environ)
    env.setdefault("OMPI_MCA_pml", "ob1")
    env.setdefault("OMPI_MCA_btl", "self,vader,tcp")
    env.setdefault("OMPI_MCA_osc", "^ucx")
    if os.geteuid() == 0:
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return env


def run_rankwise(program: str, ranks: int, *args: str) -> list[dict]:
    """Runs build/bench/<program> under mpirun -n ranks; returns its JSON lines."""
    exe = BUILD / "bench" / program
    if not exe.exists():
        sys.exit(f"{exe} is missing: build first (scripts/bench/run.sh builds it)")
    cmd = ["mpirun", "-n", str(ranks), "--oversubscribe", "--bind-to", "core", str(exe), *args]
    out = subprocess.run(cmd, env=mpi_env(), check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def best_of(fn, repeat: int = 5) -> float:
    """Best wall time of fn() in seconds (the usual benchmark convention)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


@dataclass
class Row:
    what: str
    rankwise: float       # seconds (or the unit named in `unit`)
    peer: float | None    # seconds, same unit
    peer_name: str = ""
    unit: str = "s"
    target: str = ""      # e.g. ">= 30x"

    def ratio(self) -> str:
        if self.peer is None or self.rankwise <= 0:
            return "n/a"
        return f"{self.peer / self.rankwise:.1f}x"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def report(title: str, rows: list[Row], notes: str = "") -> str:
    """Prints a markdown table (rankwise, peer, peer/rankwise) and returns it."""
    lines = [f"### {title}", "", f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}.", ""]
    lines.append("| measurement | rankwise | peer | peer / rankwise | target |")
    lines.append("|---|---|---|---|---|")
    for r in rows:
        peer = "n/a" if r.peer is None else f"{fmt(r.peer, r.unit)} ({r.peer_name})"
        lines.append(f"| {r.what} | {fmt(r.rankwise, r.unit)} | {peer} | {r.ratio()} | {r.target} |")
    if notes:
        lines += ["", notes]
    text = "\n".join(lines) + "\n"
    print(text)
    return text


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.1f} ms"
        return f"{value:.2f} s"
    return f"{value:.3g} {unit}"
