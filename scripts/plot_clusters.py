#!/usr/bin/env python3
"""Scatter plot of a k-means result written by rankwise (`rankwise kmeans --plot`, `rankwise tour`).

    plot_clusters.py --x data.h5:/X --result result.h5 --out clusters.png [--title TEXT]

Reads X (the first two columns), the labels (`/labels`) and the centers (`/cluster_centers_`)
with h5py; plots at most 20,000 rows (a fixed random sample) coloured by cluster, the centers as
large black crosses, and writes a PNG with matplotlib's Agg backend."""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--x", required=True, help="FILE.h5:/DATASET of the rows")
    p.add_argument("--result", required=True, help="the kmeans result file (labels, cluster_centers_)")
    p.add_argument("--out", required=True)
    p.add_argument("--title", default="")
    a = p.parse_args()
    file, dataset = a.x.rsplit(":/", 1)
    with h5py.File(file) as f:
        X = f["/" + dataset]
        n = X.shape[0]
        rows = np.sort(np.random.default_rng(0).choice(n, size=min(n, 20_000), replace=False))
        # h5py's point selection is slow: read everything when it is small, else a regular stride.
        if X.size * X.dtype.itemsize <= 256 << 20:
            data = X[...]
        else:
            step = max(1, n // 20_000)
            rows = np.arange(0, n, step)
            data = X[::step]
            rows, data = rows[:len(data)], data
        data = data if data.ndim == 2 else data[:, None]
        pts = data[rows, :2] if len(data) == n else data[:, :2]
        if pts.shape[1] == 1:
            pts = np.c_[pts, np.zeros(len(pts))]
    with h5py.File(a.result) as f:
        labels = f["labels"][...][rows]
        centers = f["cluster_centers_"][:, :2]
        inertia = f.attrs.get("inertia_", float("nan"))
    fig, ax = plt.subplots(figsize=(9, 6), dpi=150)
    cmap = plt.get_cmap("tab10")
    for k in range(len(centers)):
        sel = labels == k
        ax.scatter(pts[sel, 0], pts[sel, 1], s=4, alpha=0.45, color=cmap(k % 10), linewidths=0,
                   label=f"cluster {k} ({sel.sum() * n // len(rows):,} rows)")
    ax.scatter(centers[:, 0], centers[:, 1], marker="X", s=220, color="black", edgecolors="white", linewidths=1.5,
               label="centers", zorder=3)
    ax.set_title(a.title or f"k-means, k = {len(centers)}, {n:,} rows (inertia {inertia:,.0f})")
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    ax.grid(alpha=0.25)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    for handle in getattr(legend, "legend_handles", None) or legend.legendHandles:
        handle.set_sizes([40])
        handle.set_alpha(1)
    fig.tight_layout()
    fig.savefig(a.out)


if __name__ == "__main__":
    main()
