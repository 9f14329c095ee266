"""Task-graph overhead: rankwise vs dask.delayed on the same graph, in one run.

The graph: N tiny tasks (x + 1), then a binary tree of additions: 2N - 1 tasks. rankwise's time
is compute() (lowering + partition + run + result broadcast) at 1 and 2 ranks; dask's is
compute() of the same delayed graph with the threaded and the synchronous scheduler.
Also the talk's avg/avg/add example (each task sleeps 1 s).
"""
import time
import sys

import dask
from dask import delayed

from harness import Row, best_of, report, run_rankwise

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
NAP = 1.0


def dask_tree(n):
    inc = delayed(lambda x: x + 1, pure=True)
    add = delayed(lambda a, b: a + b, pure=True)
    level = [inc(i) for i in range(n)]
    while len(level) > 1:
        nxt = [add(level[k], level[k + 1]) for k in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def main():
    tasks = 2 * N - 1
    rw = {}
    for ranks in (1, 2):
        for rec in run_rankwise("graph_overhead", ranks, str(N), str(NAP)):
            rw[(rec["name"], ranks)] = rec["seconds"]

    root = dask_tree(N)
    expected = N * (N + 1) // 2
    assert root.compute(scheduler="sync") == expected
    dask_threads = best_of(lambda: root.compute(scheduler="threads"), repeat=3)
    dask_sync = best_of(lambda: root.compute(scheduler="sync"), repeat=3)

    def avg(xs):
        time.sleep(NAP)
        return sum(xs) / len(xs)

    def add(a, b):
        time.sleep(NAP)
        return a + b

    talk = delayed(add)(delayed(avg)([1, 2, 3, 4, 5]), delayed(avg)([6, 7, 8]))
    t = time.perf_counter()
    talk.compute(scheduler="threads")
    dask_talk = time.perf_counter() - t

    per = lambda s: s / tasks
    rows = []
    for ranks in (1, 2):
        rows.append(Row(f"per task, {tasks:,} tasks, {ranks} rank(s) vs dask threaded",
                        per(rw[("delayed_compute", ranks)]), per(dask_threads), "dask threaded",
                        target="<= 2 µs, >= 30x"))
        rows.append(Row(f"per task, {tasks:,} tasks, {ranks} rank(s) vs dask sync",
                        per(rw[("delayed_compute", ranks)]), per(dask_sync), "dask sync",
                        target=">= 30x"))
        rows.append(Row(f"per task, engine only (graph prebuilt), {ranks} rank(s)",
                        per(rw[("graph_compute", ranks)]), None))
    rows.append(Row(f"building the delayed graph, per task (2 ranks)",
                    per(rw[("delayed_build", 2)]), None))
    for ranks in (1, 2):
        rows.append(Row(f"talk: avg, avg, add (1 s each), {ranks} rank(s)",
                        rw[("talk_avg_avg_add", ranks)], dask_talk, "dask threaded",
                        target="~3 s at 1 rank, ~2 s at 2"))
    report("Task graph overhead (scripts/bench/bench_graph.py)", rows,
           "Command: `scripts/bench/run.sh graph`. rankwise times are the slowest rank's, best of 5; "
           "dask's best of 3. rankwise's compute() includes lowering the delayed graph, the "
           "partition and the final broadcast.")


if __name__ == "__main__":
    main()
