"""dask.dataframe workloads: the talk's taxi statistics on 12 generated monthly CSV files (2 GB,
12.8 M rows, scripts/data/make_taxi.py) — rankwise at 2 ranks vs dask threaded with 2 workers,
in one run; plus pandas' single-core parse rate, `cat` from the page cache and a newline-count
floor over the same bytes. Data: $RANKWISE_TAXI_DIR (default /tmp/rankwise-taxi; generated when
missing)."""
import glob
import os
import subprocess
import sys
import time

import dask
import dask.dataframe as dd
import pandas as pd

from harness import ROOT, Row, best_of, report, run_rankwise

DIR = os.environ.get("RANKWISE_TAXI_DIR", "/tmp/rankwise-taxi")
PATTERN = os.path.join(DIR, "yellow_tripdata_2016-*.csv")


def main():
    if not glob.glob(PATTERN):
        subprocess.run([sys.executable, str(ROOT / "scripts/data/make_taxi.py"), "--out", DIR, "--size", "2000"], check=True)
    files = sorted(glob.glob(PATTERN))
    nbytes = sum(os.path.getsize(f) for f in files)
    subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)  # page cache
    cat = best_of(lambda: subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True), 3)

    recs = {r["name"]: r for r in run_rankwise("frame_taxi", 2, PATTERN, "3")}
    rw = {k: v["seconds"] for k, v in recs.items() if "seconds" in v}
    facts = recs["facts"]

    dask.config.set(scheduler="threads", num_workers=2)
    # dask guesses dtypes from the first block: tolls_amount looks int64 there and fails later,
    # so it gets the float64 it needs (rankwise infers it from samples across the files).
    fixed = {"tolls_amount": "float64"}
    d_mean = best_of(lambda: dd.read_csv(PATTERN, dtype=fixed)["total_amount"].mean().compute(), 2)
    d_group = best_of(lambda: dd.read_csv(PATTERN, dtype=fixed).groupby("passenger_count")["tip_amount"].mean().compute(), 2)
    d_head = best_of(lambda: dd.read_csv(PATTERN, dtype=fixed).head(), 3)
    d_all = best_of(lambda: dd.read_csv(PATTERN, dtype=fixed).count().compute(), 1)
    t = time.perf_counter()
    pd.read_csv(files[0])
    pandas_rate = os.path.getsize(files[0]) / (time.perf_counter() - t) / 1e6

    mb = nbytes / 1e6
    rows = [
        Row("total_amount.mean()", rw["mean"], d_mean, "dask", target=">= 20x dask"),
        Row("groupby(passenger_count).tip_amount.mean()", rw["groupby"], d_group, "dask", target=">= 15x dask"),
        Row("head()", rw["head"], d_head, "dask", target=">= 20x dask"),
        Row("parse every column (count())", rw["all_columns"], d_all, "dask", target=">= 10x dask"),
        Row("read_csv (list, probe, infer schema)", rw["open"], None),
        Row("newline-count floor, 2 ranks", rw["newline_floor"], cat, "cat > /dev/null"),
    ]
    notes = (f"Command: `scripts/bench/run.sh frame`. {len(files)} files, {mb:.0f} MB, {facts['rows']:,} rows. "
             f"Per core: rankwise parses every column at {mb / rw['all_columns'] / 2:.0f} MB/s, one column (mean) at "
             f"{mb / rw['mean'] / 2:.0f} MB/s; pandas parses every column at {pandas_rate:.0f} MB/s; `cat` reads "
             f"{mb / cat:.0f} MB/s from the page cache; the newline floor runs at {mb / rw['newline_floor'] / 2:.0f} MB/s "
             f"per rank. Peak resident memory per rank: {facts['peak_rss_mb_after_mean']:.0f} MB after the mean "
             f"(the data is {mb / 2:.0f} MB per rank), {facts['peak_rss_mb']:.0f} MB at the end. rankwise: 2 ranks, slowest "
             "rank, best of 3, each including read_csv; dask: threaded, 2 workers, best of 2 (head 3, all columns 1).")
    report("dask.dataframe workloads: NYC-taxi-like CSV", rows, notes)


if __name__ == "__main__":
    main()
