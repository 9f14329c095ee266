#!/usr/bin/python3
"""Writes ops_expected.json: pandas results of the DataFrame / Series operations that
tests/mpi/frame/test_dataframe.cpp checks, on basic.csv, big.csv and multi/part-*.csv.

Run: /usr/bin/python3 tests/data/frame/make_ops_fixtures.py   (Debian numpy + pandas 1.5; deterministic)

The inputs are the files make_fixtures.py writes (this script only reads them). Layout of the JSON:

  basic.columns.x          the x column (for checks that are not a pandas call, e.g. astype(string))
  basic.series.NAME        one derived series per NAME, every row (null = missing); the C++ test holds
                           the rankwise expression and dtype of each NAME next to the pandas one here
  basic.filters.NAME       ids (and a few reductions) of filtered / dropna'd / fillna'd frames
  basic.count              DataFrame.count(): non-null values per column
  FILE.quantile.COL        {q: value} for q in 0, 0.25, 0.5, 0.9, 1 (linear interpolation)
  FILE.describe.COL        count, mean, std, min, 25%, 50%, 75%, max of Series.describe()
  FILE.groupby             [{by, columns, all_columns, keys: {key: [..]}, size: [..], agg: {fn: {col: [..]}}}]
  big.w, big.v_gt_0_w      big.csv's w column, and w where v > 0 (head / tail references)
  multi.series.NAME        datetime accessors of pickup

Conventions follow make_fixtures.py: floats as repr (round-trip exact), NaN/NaT/None as null,
datetimes as "YYYY-MM-DD HH:MM:SS", bools as JSON bools, categories as their strings.
Where rankwise and pandas differ by design (docs/frame.md) the pandas side is adapted and the line
says why: rankwise int64 columns are nullable (pandas reads them as float64 with NaN), astype keeps
a null a null (pandas' astype(str) would make "nan"). A comparison with a null is false except
!=, which is true, as in pandas.
"""
import json
import math
import pathlib

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
QS = [0.0, 0.25, 0.5, 0.9, 1.0]
FUNCS = ["sum", "mean", "count", "min", "max", "std", "var"]


def value(v):
    """One cell as JSON."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return str(v)


def values(s):
    return [value(v) for v in s.astype(object).where(s.notna(), None).tolist()]


def read_basic():
    return pd.read_csv(HERE / "basic.csv", parse_dates=["when"])


def read_multi():
    parts = [pd.read_csv(HERE / f"multi/part-{i}.csv", parse_dates=["pickup"]) for i in range(3)]
    return pd.concat(parts, ignore_index=True)


def nullable_int(s):
    """pandas reads an int column with gaps as float64; rankwise keeps it int64 with nulls."""
    return s.astype("Int64")


def basic_series(b):
    x, n, id_, k, flag, name, when, cat = (b[c] for c in ("x", "n", "id", "k", "flag", "name", "when", "cat"))
    ni = nullable_int(n)
    return {
        # arithmetic
        "x2_plus_id": x * 2 + id_,
        "one_minus_x": 1.0 - x,
        "n_div_id": n / id_,
        "id_plus_k": id_ + k,
        "n_plus_k": ni + k,
        "id_times_3_minus_k": id_ * 3 - k,
        "id_div_2": id_ / 2,
        "neg_x": -x,
        "neg_n": -ni,
        "abs_x": x.abs(),
        "abs_n_minus_30": (ni - 30).abs(),
        # astype (x -> int64 truncates toward zero; a null stays null in rankwise)
        "id_as_float": id_.astype("float64"),
        "x_as_int": x.dropna().astype("int64").reindex(x.index).astype("Int64"),
        "n_as_string": ni.astype("string"),
        "flag_as_float": flag.astype("float64"),
        "k_as_category": k.astype(str).astype("category"),
        "cat_as_category": cat.astype("category"),
        "name_category_round_trip": name.astype("category").astype(object),
        # comparisons: a null compares False, except != (True), as in pandas
        "x_gt_0": x > 0,
        "x_le_10": x <= 10,
        "x_eq_0": x == 0,
        "x_ne_0": x != 0,
        "n_ge_id": n >= id_,
        "x_lt_n": x < n,
        "name_eq_bob": name == "bob",
        "name_ne_bob": name != "bob",
        # pandas raises on NaN < str in an object column; a missing name compares False
        "name_lt_c": name.notna() & (name.fillna("") < "c"),
        "cat_eq_a": cat == "a",
        "when_gt_0115": when > pd.Timestamp("2016-01-15"),
        # logic
        "x_gt_0_and_k_eq_1": (x > 0) & (k == 1),
        "x_gt_20_or_flag": (x > 20) | flag,
        "not_flag": ~flag,
        "not_x_gt_0": ~(x > 0),
        # nulls
        "x_isna": x.isna(),
        "n_notna": n.notna(),
        "name_isna": name.isna(),
        "x_fillna": x.fillna(-1.0),
        "n_fillna": n.fillna(0),
        "name_fillna": name.fillna("nobody"),
        # datetime fields
        "when_hour": when.dt.hour,
        "when_minute": when.dt.minute,
        "when_second": when.dt.second,
        "when_dayofweek": when.dt.dayofweek,
        "when_month": when.dt.month,
        "when_year": when.dt.year,
        "when_day": when.dt.day,
        "when_date": when.dt.normalize(),
    }


def basic_filters(b):
    x, n, k, name = b["x"], b["n"], b["k"], b["name"]
    pos = b[x > 0]
    return {
        "x_gt_0": {"id": values(pos["id"]), "num_rows": len(pos), "x_sum": float(pos["x"].sum()),
                   "n_mean": float(pos["n"].mean()), "n_count": int(pos["n"].count()), "n": values(nullable_int(pos["n"]))},
        "x_gt_0_and_bob": {"id": values(b[(x > 0) & (name == "bob")]["id"])},
        "x_gt_0_then_k_eq_1": {"id": values(pos[pos["k"] == 1]["id"])},
        "dropna_all": {"id": values(b.dropna()["id"])},
        "dropna_x": {"id": values(b.dropna(subset=["x"])["id"])},
        "dropna_x_n": {"id": values(b.dropna(subset=["x", "n"])["id"])},
        "fillna_0": {"x": values(x.fillna(0)), "n": values(n.fillna(0))},
        "k_ne_1_x_sum": float(b[k != 1]["x"].sum()),
        "x_gt_0_size_by_k": {"k": values(pd.Series(pos.groupby("k").size().index)),
                             "size": [int(v) for v in pos.groupby("k").size().tolist()]},
    }


def quantiles(df, cols):
    return {c: {repr(q): value(df[c].quantile(q)) for q in QS} for c in cols}


def describes(df, cols):
    out = {}
    for c in cols:
        d = df[c].astype("float64").describe()
        out[c] = {stat: value(d[stat]) for stat in ("count", "mean", "std", "min", "25%", "50%", "75%", "max")}
    return out


def groupby(df, by, columns, all_columns=False):
    g = df.groupby(by, sort=True, dropna=True)
    size = g.size()
    index = size.index
    keys = {}
    for level, col in enumerate(by):
        keys[col] = [value(v) for v in (index.get_level_values(level) if len(by) > 1 else index)]
    sub = g[columns]
    agg = {}
    for fn in FUNCS:
        r = getattr(sub, fn)().reindex(index)
        agg[fn] = {c: values(r[c]) for c in columns}
    return {"by": by, "columns": columns, "all_columns": all_columns, "keys": keys,
            "size": [int(v) for v in size.tolist()], "agg": agg}


def main():
    b = read_basic()
    big = pd.read_csv(HERE / "big.csv")
    multi = read_multi()
    out = {
        "basic": {
            "columns": {"x": values(b["x"])},
            "series": {name: values(s) for name, s in basic_series(b).items()},
            "filters": basic_filters(b),
            "count": {c: int(v) for c, v in b.count().items()},
            "quantile": quantiles(b, ["x", "n", "id"]),
            "describe": describes(b, ["x", "n"]),
            "groupby": [
                groupby(b, ["k"], ["x", "n", "id"]),
                groupby(b, ["cat", "k"], ["x"]),
                groupby(b, ["name"], ["n"]),  # a null key is dropped
                groupby(b, ["cat"], ["id", "x", "n", "flag", "k"], all_columns=True),
            ],
        },
        "big": {
            "w": values(big["w"]),
            "v_gt_0_w": values(big[big["v"] > 0]["w"]),
            "quantile": quantiles(big, ["v", "w"]),
            "describe": describes(big, ["v"]),
            "groupby": [groupby(big, ["g"], ["v", "w"]), groupby(big, ["h", "g"], ["w"])],
        },
        "multi": {
            "series": {f"pickup_{f}": values(getattr(multi["pickup"].dt, f)) for f in
                       ("hour", "dayofweek", "month", "year", "day")},
            "quantile": quantiles(multi, ["fare_amount", "tip_amount"]),
            "describe": describes(multi, ["tip_amount"]),
            "groupby": [groupby(multi, ["passenger_count"], ["fare_amount", "tip_amount"])],
        },
    }
    out["multi"]["series"]["pickup_date"] = values(multi["pickup"].dt.normalize())
    text = json.dumps(out, indent=None, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    (HERE / "ops_expected.json").write_text(text + "\n", encoding="utf-8")
    print(f"wrote ops_expected.json ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
