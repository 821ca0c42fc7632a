"""The reduction step: canonical rows (a LazyFrame) in, small aggregate DataFrames out.

This is the heavy part, the only one that touches every row. The DuckDB, PostgreSQL and Spark engines run the
same reductions as SQL (:mod:`workbench.metrics.engines.queries`), so each function uses only grouping,
min/max/sum, windows over a customer, equi-joins (a customer's periods with their periods shifted by one) and
integer period indexes (see :mod:`workbench.metrics.periods`). Everything else is derived from these aggregates
in the finishing step.

Aggregates (all period columns are Int64 period indexes):

* :func:`reduce_events` → ``cohort, period, active, retained, last, revenue, revenue_retained,
  revenue_retained_capped``: for each cohort (period of the first event) and period with activity, the number
  of its customers with an event in the period (``active``), of those also active in the previous period
  (``retained``), of customers whose last event is in this period (``last``), their revenue, the revenue of
  the retained ones, and the same capped at each one's revenue in the previous period (for gross revenue
  retention).
* :func:`reduce_subscriptions` → ``cohort, last, customers, mrr``: customers grouped by the period of their
  start (``cohort``) and the last period whose first instant is before their end (``last``; null = no end).
  A customer is active at the first instant of period j iff ``cohort <= j <= last``.
* :func:`reduce_segment_lifetimes` → ``segment, cohort, last, customers``: customers by the segment they
  started in (the ``segment`` of their earliest row: a later change of plan does not move them), their first
  period and their last one (events: the period of their last event; subscriptions: ``last`` as above).
* :func:`reduce_nps_lifetimes` → the same, by the NPS group of each customer's first answer.
* :func:`reduce_nps` → ``period, score, responses``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from workbench.metrics.period_exprs import period_index
from workbench.metrics.periods import PeriodSpec

_US = timedelta(microseconds=1)


def data_as_of(lf: pl.LazyFrame, kind: str) -> datetime | None:
    """The latest timestamp in the data (the default "now"): ``ts`` (events, nps), max of start/end (subs)."""
    if kind == "subscriptions":
        row = lf.select(pl.max_horizontal(pl.col("start").max(), pl.col("end").max()).alias("t")).collect()
    else:
        row = lf.select(pl.col("ts").max().alias("t")).collect()
    return row.item(0, 0) if row.height else None


def data_extent(lf: pl.LazyFrame, kind: str) -> tuple[datetime | None, bool]:
    """The latest timestamp (as :func:`data_as_of`) and whether every timestamp is at midnight: a log of
    dates, whose last date is a whole day of data (see :mod:`workbench.metrics.observed`)."""
    columns = ("start", "end") if kind == "subscriptions" else ("ts",)
    midnight = [(pl.col(c).is_null() | (pl.col(c).dt.truncate("1d") == pl.col(c))).all().alias(f"m_{c}")
                for c in columns]
    row = lf.select(pl.max_horizontal(*[pl.col(c).max() for c in columns]).alias("t"), *midnight).collect()
    if not row.height or row.item(0, 0) is None:
        return None, False
    return row.item(0, 0), all(row.row(0)[1:])


MICRO = 1_000_000  # money is summed in whole millionths


def _revenue(lf: pl.LazyFrame) -> pl.Expr:
    """Revenue in whole millionths (Int64); missing and non-finite values (NaN, inf) count as 0.

    Integer sums are exact, so every aggregate is the same whatever order the rows are summed in (polars'
    streaming engine, DuckDB or Spark each pick their own): the report is byte-identical on every run. A
    millionth is far below any currency's smallest unit; sums stay exact up to ±9.2 × 10^12.
    """
    if "revenue" not in lf.collect_schema().names():
        return pl.lit(0, dtype=pl.Int64)
    value = pl.col("revenue").cast(pl.Float64)
    return pl.when(value.is_finite()).then((value * MICRO).round()).otherwise(0.0).cast(pl.Int64)


def _money(column: str) -> pl.Expr:
    """An Int64 sum in millionths back to Float64 units."""
    return (pl.col(column) / MICRO).cast(pl.Float64)


def event_customer_periods(lf: pl.LazyFrame, period: PeriodSpec, as_of: datetime) -> pl.LazyFrame:
    """One row per customer and active period: ``customer_id, period, revenue, cohort, last,
    previous_revenue`` (the customer's revenue in period − 1; null when they were not active then).

    Periods are Int32 here (any datetime's day index fits): this frame has a row per customer and period, and
    4 bytes less in each of its three period columns is ~10% less peak memory at 10M events."""
    rows = (lf.filter(pl.col("ts") <= as_of)
            .select(pl.col("customer_id"), period_index(period, pl.col("ts")).cast(pl.Int32).alias("period"),
                    _revenue(lf).alias("revenue"))
            .group_by("customer_id", "period").agg(pl.col("revenue").sum()))
    before = rows.select("customer_id", (pl.col("period") + 1).alias("period"),
                         pl.col("revenue").alias("previous_revenue"))
    # the span as window functions rather than a group-by joined back: 15% less CPU at 10M events (one
    # join on the customer's string id fewer); the SQL engines write the same as a join (engines/queries.py)
    span = [pl.col("period").min().over("customer_id").alias("cohort"),
            pl.col("period").max().over("customer_id").alias("last")]
    return rows.with_columns(span).join(before, on=["customer_id", "period"], how="left")


def reduce_events(lf: pl.LazyFrame, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """Events: counts and revenue per cohort and period (columns in the module docstring)."""
    cp = event_customer_periods(lf, period, as_of)
    kept = pl.col("previous_revenue").is_not_null()
    return (cp.group_by("cohort", "period").agg(
        pl.len().cast(pl.Int64).alias("active"),
        kept.sum().cast(pl.Int64).alias("retained"),
        (pl.col("last") == pl.col("period")).sum().cast(pl.Int64).alias("last"),
        pl.col("revenue").sum().alias("revenue"),
        pl.col("revenue").filter(kept).sum().alias("revenue_retained"),
        pl.min_horizontal("revenue", "previous_revenue").filter(kept).sum().alias("revenue_retained_capped"),
    ).with_columns(pl.col("cohort", "period").cast(pl.Int64), _money("revenue"), _money("revenue_retained"),
                   _money("revenue_retained_capped"))
        .sort("cohort", "period").collect(engine="streaming"))


def subscription_customers(lf: pl.LazyFrame, period: PeriodSpec, as_of: datetime) -> pl.LazyFrame:
    """One row per customer: ``customer_id, start, end, mrr, cohort, last``.

    A customer with several rows spans from the earliest start to the latest end (no end if any row is open);
    their MRR is the revenue of their latest-starting row (in millionths, see :func:`_revenue`). Rows starting after ``as_of`` are ignored and an
    end after ``as_of`` counts as no end yet.
    """
    end = pl.when(pl.col("end") > as_of).then(None).otherwise(pl.col("end"))
    return (lf.filter(pl.col("start") <= as_of)
            .select("customer_id", "start", end.alias("end"), _revenue(lf).alias("mrr"))
            .group_by("customer_id").agg(
                pl.col("start").min(),
                pl.when(pl.col("end").is_null().any()).then(None).otherwise(pl.col("end").max()).alias("end"),
                pl.col("mrr").sort_by("start", "mrr").last())
            .with_columns(period_index(period, pl.col("start")).alias("cohort"),
                          # end > first instant of period j  <=>  j <= index(end − 1µs)
                          period_index(period, pl.col("end") - _US).alias("last")))


def reduce_subscriptions(lf: pl.LazyFrame, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """Subscriptions: customers and MRR per (cohort, last) (columns in the module docstring)."""
    return (subscription_customers(lf, period, as_of)
            .group_by("cohort", "last").agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("mrr").sum())
            .with_columns(_money("mrr"))
            .sort("cohort", "last", nulls_last=True).collect(engine="streaming"))


def _first_segment(order: str) -> pl.Expr:
    """The segment of a customer's earliest row (ties broken by the segment itself, so any engine agrees)."""
    return pl.col("segment").cast(pl.String).sort_by(order, pl.col("segment").cast(pl.String)).first()


def customer_lifetimes(lf: pl.LazyFrame, kind: str, period: PeriodSpec, as_of: datetime) -> pl.LazyFrame:
    """One row per customer: ``customer_id, segment, cohort, last`` (segment null when the data has none)."""
    segment = (_first_segment("start" if kind == "subscriptions" else "ts") if "segment" in lf.collect_schema().names()
               else pl.lit(None, dtype=pl.String))
    if kind == "subscriptions":
        end = pl.when(pl.col("end") > as_of).then(None).otherwise(pl.col("end"))
        return (lf.filter(pl.col("start") <= as_of).with_columns(end.alias("end"))
                .group_by("customer_id").agg(
                    pl.col("start").min(),
                    pl.when(pl.col("end").is_null().any()).then(None).otherwise(pl.col("end").max()).alias("end"),
                    segment.alias("segment"))
                .select("customer_id", "segment", period_index(period, pl.col("start")).alias("cohort"),
                        period_index(period, pl.col("end") - _US).alias("last")))
    if kind == "events":
        return (lf.filter(pl.col("ts") <= as_of)
                .group_by("customer_id").agg(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("end"),
                                             segment.alias("segment"))
                .select("customer_id", "segment", period_index(period, pl.col("first")).alias("cohort"),
                        period_index(period, pl.col("end")).alias("last")))
    raise ValueError(f"customer lifetimes need events or subscriptions, not {kind}")


def _count_lifetimes(customers: pl.LazyFrame) -> pl.DataFrame:
    return (customers.group_by("segment", "cohort", "last").agg(pl.len().cast(pl.Int64).alias("customers"))
            .sort("segment", "cohort", "last", nulls_last=True).collect(engine="streaming"))


def reduce_segment_lifetimes(lf: pl.LazyFrame, kind: str, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """Customers per (segment, cohort, last) for survival by segment (columns in the module docstring)."""
    return _count_lifetimes(customer_lifetimes(lf, kind, period, as_of))


NPS_GROUPS = ("promoters", "passives", "detractors")


def reduce_nps_lifetimes(lf: pl.LazyFrame, kind: str, nps: pl.LazyFrame, period: PeriodSpec,
                         as_of: datetime) -> tuple[pl.DataFrame, int, int]:
    """Customers per (NPS group of their first response, cohort, last) — ``segment`` null for customers who
    never answered — and the responses and respondents whose id matches no customer (counted, not dropped
    silently)."""
    answers = nps.filter(pl.col("ts") <= as_of)
    first = (answers.group_by("customer_id")
             .agg(pl.col("score").sort_by("ts", "score").first().alias("score"))
             .select("customer_id", pl.when(pl.col("score") >= 9).then(pl.lit(NPS_GROUPS[0]))
                     .when(pl.col("score") >= 7).then(pl.lit(NPS_GROUPS[1]))
                     .otherwise(pl.lit(NPS_GROUPS[2])).alias("group")))
    customers = customer_lifetimes(lf, kind, period, as_of)
    grouped = (customers.join(first, on="customer_id", how="left")
               .select(pl.col("group").alias("segment"), "cohort", "last"))
    unmatched = (answers.join(customers.select("customer_id"), on="customer_id", how="anti")
                 .select(pl.len().alias("responses"), pl.col("customer_id").n_unique().alias("respondents"))
                 .collect())
    return _count_lifetimes(grouped), int(unmatched["responses"][0]), int(unmatched["respondents"][0])


def reduce_nps(lf: pl.LazyFrame, period: PeriodSpec, as_of: datetime) -> pl.DataFrame:
    """NPS: responses per period and score."""
    return (lf.filter(pl.col("ts") <= as_of)
            .select(period_index(period, pl.col("ts")).alias("period"), pl.col("score").cast(pl.Int64))
            .group_by("period", "score").agg(pl.len().cast(pl.Int64).alias("responses"))
            .sort("period", "score").collect(engine="streaming"))
