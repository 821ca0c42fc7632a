"""Who the customers behind a number are: a profile per customer, and one customer's rows in time order.

The drill-down (the app's Enter on a cell or a term of the formula) gives ids; these functions say more about
them, with the same rules as the triangle, up to the analysis' as-of:

* :func:`customer_profiles` → one row per id (:data:`PROFILE_COLUMNS`): first and last seen, the periods
  they were active in (events: distinct periods with an event; subscriptions: the periods they were
  subscribed in, from their first start to their last end as the triangle counts them), their revenue
  (events: the sum; subscriptions: the MRR of their latest-starting row times those periods, as CLTV counts
  it; None without a revenue column), their segment (plan, tier…: the one of their latest row; survival by
  segment groups them by their first) and their latest NPS score when NPS answers are loaded too.
* :func:`customer_timeline` → one customer's events, subscriptions and NPS answers in time order, the first
  :data:`TIMELINE_LIMIT` of them.

Rows another engine holds (DuckDB, PostgreSQL, Spark) are asked of that engine
(:mod:`workbench.metrics.engines.customer_queries`); the polars path is here. Both filter to the ids first
(``is_in`` / ``IN``), so a profile costs one pass over the rows whatever the number of ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from workbench.metrics.aggregates import resolve_as_of
from workbench.metrics.cohort_tables import NO_IDS
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.period_exprs import period_index
from workbench.metrics.periods import PeriodSpec
from workbench.metrics.reduce import MICRO

PROFILE_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(), "first_seen": pl.Datetime("us"), "last_seen": pl.Datetime("us"),
    "periods_active": pl.Int64(), "revenue": pl.Float64(), "segment": pl.String(), "nps": pl.Int64()}
PROFILE_COLUMNS = tuple(PROFILE_SCHEMA)
# what an engine returns for events or subscriptions before the finishing step (subscriptions: the
# customer's MRR and their first and last period, from which periods_active and revenue follow)
EVENT_ROWS = ("customer_id", "first_seen", "last_seen", "periods_active", "revenue", "segment")
SUBSCRIPTION_ROWS = ("customer_id", "first_seen", "last_seen", "cohort", "last", "mrr", "segment")

TIMELINE_SCHEMA: dict[str, pl.DataType] = {
    "time": pl.Datetime("us"), "what": pl.String(), "end": pl.Datetime("us"), "revenue": pl.Float64(),
    "score": pl.Int64(), "segment": pl.String(), "comment": pl.String()}
TIMELINE_LIMIT = 1000
WHAT = {"events": "event", "subscriptions": "subscription", "nps": "NPS answer"}
_US = timedelta(microseconds=1)


@dataclass(frozen=True)
class Timeline:
    """A customer's rows in time order (``rows``: columns of :data:`TIMELINE_SCHEMA` that apply to the data
    loaded), ``total`` rows up to as-of, of which the first ``limit`` are in ``rows``."""

    customer_id: str
    rows: pl.DataFrame
    total: int
    limit: int = TIMELINE_LIMIT

    @property
    def note(self) -> str | None:
        if self.total > self.rows.height:
            return f"showing the first {self.rows.height:,} of {self.total:,} rows of this customer"
        return None


def _engine(dataset):
    return getattr(dataset, "engine", None)


def _ids_frame(ids) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": pl.Series(list(ids), dtype=pl.String)})


def customer_profiles(datasets: dict, kind: str, options: AnalysisOptions, ids) -> pl.DataFrame:
    """One row per id of ``ids`` (in their order): :data:`PROFILE_COLUMNS`. ``kind`` is the data the ids come
    from (events or subscriptions); NPS answers, when ``datasets`` holds some, give ``nps``. ``options.as_of``
    (else the data's latest time) bounds everything, as for the triangle."""
    if kind not in ("events", "subscriptions"):
        raise ValueError(NO_IDS if kind == "cohorts" else f"{kind} data has no customer profiles")
    dataset = datasets[kind]
    as_of = resolve_as_of(dataset, options)
    wanted = _ids_frame(ids)
    if as_of is None or not wanted.height:
        return wanted.join(pl.DataFrame(schema=PROFILE_SCHEMA), on="customer_id", how="left")
    spec = options.period
    engine = _engine(dataset)
    ids = wanted["customer_id"].to_list()
    found = (engine.customer_profiles(kind, spec, as_of, ids) if engine is not None
             else profile_rows(dataset, spec, as_of, ids))
    if kind == "subscriptions":
        found = _finish_subscriptions(found, spec, as_of)
    if not dataset.has_revenue:
        found = found.with_columns(pl.lit(None, dtype=pl.Float64).alias("revenue"))
    nps = datasets.get("nps")
    scores = nps.engine.latest_scores(as_of, ids) if _engine(nps) is not None else latest_scores(nps, as_of, ids)
    out = (wanted.join(found, on="customer_id", how="left", maintain_order="left")
           .join(scores, on="customer_id", how="left", maintain_order="left"))
    return out.select([pl.col(name).cast(dtype) for name, dtype in PROFILE_SCHEMA.items()])


def _segment(lf: pl.LazyFrame, order: str) -> pl.Expr:
    """The segment of the customer's latest row (ties: the largest, so every engine agrees)."""
    if "segment" not in lf.collect_schema().names():
        return pl.lit(None, dtype=pl.String)
    return pl.col("segment").cast(pl.String).sort_by(order, pl.col("segment").cast(pl.String)).last()


def _money_sum(lf: pl.LazyFrame) -> pl.Expr:
    """Revenue summed in whole millionths, as the reductions do (missing and non-finite values count 0)."""
    if "revenue" not in lf.collect_schema().names():
        return pl.lit(None, dtype=pl.Float64)
    value = pl.col("revenue").cast(pl.Float64)
    micros = pl.when(value.is_finite()).then((value * MICRO).round()).otherwise(0.0).cast(pl.Int64)
    return micros.sum() / MICRO


def profile_rows(dataset, spec: PeriodSpec, as_of: datetime, ids: list[str]) -> pl.DataFrame:
    """The polars engine's :meth:`~workbench.metrics.engines.base.Engine.customer_profiles`: :data:`EVENT_ROWS`
    or :data:`SUBSCRIPTION_ROWS` of the ids found up to as-of."""
    wanted = pl.Series("customer_id", ids, dtype=pl.String)
    if dataset.kind == "events":
        return _event_rows(dataset.lazy(), spec, as_of, wanted)
    return _subscription_rows(dataset.lazy(), spec, as_of, wanted)


def _event_rows(lf: pl.LazyFrame, spec: PeriodSpec, as_of: datetime, wanted: pl.Series) -> pl.DataFrame:
    ts = pl.col("ts")
    return (lf.filter(pl.col("customer_id").is_in(wanted.implode()) & (ts <= as_of))
            .group_by("customer_id").agg(
                ts.min().alias("first_seen"), ts.max().alias("last_seen"),
                period_index(spec, ts).n_unique().cast(pl.Int64).alias("periods_active"),
                _money_sum(lf).alias("revenue"), _segment(lf, "ts").alias("segment"))
            .collect())


def _subscription_rows(lf: pl.LazyFrame, spec: PeriodSpec, as_of: datetime, wanted: pl.Series) -> pl.DataFrame:
    """Per customer, as :func:`workbench.metrics.reduce.subscription_customers`: from the earliest start to the
    latest end (none when a row is open or ends after as-of), the MRR of the latest-starting row."""
    end = pl.when(pl.col("end") > as_of).then(None).otherwise(pl.col("end"))
    names = lf.collect_schema().names()
    mrr = pl.col("revenue").cast(pl.Float64) if "revenue" in names else pl.lit(0.0)
    mrr = pl.when(mrr.is_finite()).then(mrr).otherwise(0.0).fill_null(0.0)
    return (lf.filter(pl.col("customer_id").is_in(wanted.implode()) & (pl.col("start") <= as_of))
            .with_columns(end.alias("end"), mrr.alias("mrr"))
            .group_by("customer_id").agg(
                pl.col("start").min().alias("first_seen"),
                pl.when(pl.col("end").is_null().any()).then(None).otherwise(pl.col("end").max()).alias("last_seen"),
                pl.col("mrr").sort_by("start", "mrr").last(), _segment(lf, "start").alias("segment"))
            .with_columns(period_index(spec, pl.col("first_seen")).alias("cohort"),
                          period_index(spec, pl.col("last_seen") - _US).alias("last"))
            .select(SUBSCRIPTION_ROWS).collect())


def _finish_subscriptions(frame: pl.DataFrame, spec: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """Periods subscribed: the cohort to the last period (the as-of period while subscribed; at least the
    cohort, which the triangle counts at +0), and the MRR paid in each of them."""
    last = pl.col("last").fill_null(spec.index_of(as_of))
    periods = pl.max_horizontal(last - pl.col("cohort") + 1, pl.lit(1, dtype=pl.Int64)).cast(pl.Int64)
    return frame.with_columns(periods.alias("periods_active")).with_columns(
        (pl.col("mrr").cast(pl.Float64) * pl.col("periods_active")).alias("revenue"))


def latest_scores(nps, as_of: datetime, ids: list[str]) -> pl.DataFrame:
    """``customer_id, nps``: each id's latest NPS score up to as-of (ties: the highest) in the polars dataset
    ``nps``; no rows when it is None."""
    if nps is None:
        return pl.DataFrame(schema={"customer_id": pl.String(), "nps": pl.Int64()})
    wanted = pl.Series("customer_id", ids, dtype=pl.String)
    return (nps.lazy().filter(pl.col("customer_id").is_in(wanted.implode()) & (pl.col("ts") <= as_of))
            .group_by("customer_id").agg(pl.col("score").cast(pl.Int64).sort_by("ts", "score").last().alias("nps"))
            .collect())


# ---------------------------------------------------------------- one customer's rows


def kind_rows(lf: pl.LazyFrame, kind: str, as_of: datetime, customer_id: str, limit: int) -> tuple[pl.DataFrame, int]:
    """The first ``limit`` rows of one kind for one customer, in timeline columns, and how many there are."""
    time = "start" if kind == "subscriptions" else "ts"
    rows = lf.filter((pl.col("customer_id") == customer_id) & (pl.col(time) <= as_of)).collect()
    return _timeline_columns(rows, kind, limit)


def _timeline_columns(rows: pl.DataFrame, kind: str, limit: int) -> tuple[pl.DataFrame, int]:
    """One kind's rows in timeline columns (a file's other columns after them, renamed when a timeline
    column has the name), the first ``limit`` in time order, and how many there are."""
    time = "start" if kind == "subscriptions" else "ts"
    wanted = {"events": ("revenue", "segment"), "subscriptions": ("end", "revenue", "segment"),
              "nps": ("score", "segment", "comment")}[kind]
    columns = [pl.col(time).alias("time"), pl.lit(WHAT[kind]).alias("what")]
    columns += [pl.col(c).cast(TIMELINE_SCHEMA[c]) for c in wanted if c in rows.columns]
    known = {"customer_id", time, *wanted} | {c for c in rows.columns if c.startswith("__")}
    others = [c for c in rows.columns if c not in known]
    columns += [pl.col(c).alias(f"{c} (file)" if c in TIMELINE_SCHEMA else c) for c in others]
    return rows.select(columns).sort("time", maintain_order=True).head(limit), rows.height


def customer_timeline(datasets: dict, options: AnalysisOptions, customer_id: str,
                      limit: int = TIMELINE_LIMIT) -> Timeline:
    """Every loaded row of one customer up to as-of (events, subscriptions, NPS answers), oldest first, the
    first ``limit`` of them; columns that none of the loaded kinds has are left out, and a loaded file's other
    columns (an event's name, a quantity) come after ``what``. The SQL engines give the timeline columns only."""
    parts, total = [], 0
    times = [resolve_as_of(datasets[k], options) for k in ("events", "subscriptions", "nps") if k in datasets]
    as_of = options.as_of or max((t for t in times if t is not None), default=None)
    for kind in ("events", "subscriptions", "nps"):
        dataset = datasets.get(kind)
        if dataset is None or as_of is None:
            continue
        engine = _engine(dataset)
        time = pl.col("start" if kind == "subscriptions" else "ts")
        if engine is not None:
            rows, n = engine.customer_rows(kind, as_of, customer_id, limit)
        elif hasattr(dataset, "rows_where"):  # loaded files: their other columns too (an event's properties)
            found = dataset.rows_where((pl.col("customer_id") == customer_id) & (time <= as_of))
            rows, n = _timeline_columns(found, kind, limit)
        else:
            rows, n = kind_rows(dataset.lazy(), kind, as_of, customer_id, limit)
        if kind != "nps" and not dataset.has_revenue and "revenue" in rows.columns:
            rows = rows.drop("revenue")
        parts.append(rows)
        total += n
    if not parts:
        return Timeline(customer_id, pl.DataFrame(schema={"time": pl.Datetime("us"), "what": pl.String()}), 0, limit)
    rows = pl.concat(parts, how="diagonal_relaxed")
    ours = [c for c in TIMELINE_SCHEMA if c in rows.columns]
    order = ours[:2] + [c for c in rows.columns if c not in TIMELINE_SCHEMA] + ours[2:]  # what the file says first
    rows = rows.select(order).sort("time", maintain_order=True).head(limit)
    return Timeline(customer_id, rows, total, limit)
