"""The customers behind a number (the app's Enter key): ids behind a triangle cell or a term of the formula."""

from __future__ import annotations

import polars as pl

from workbench.metrics.aggregates import resolve_as_of
from workbench.metrics.cohort_tables import NO_IDS
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.reduce import event_customer_periods, subscription_customers

FLOW_TERMS = ("CS", "CN", "CE", "retained", "churned", "resurrected", "new_lost")


def _ids(frame: pl.LazyFrame) -> list[str]:
    return frame.select(pl.col("customer_id").unique().sort()).collect().get_column("customer_id").to_list()


def customers_behind_cell(dataset, options: AnalysisOptions, cohort_label: str, k: int) -> list[str]:
    """Sorted ids counted in ``active[k]`` of the cohort labelled ``cohort_label`` (same rules as the triangle:
    ``options.retention`` applies to events). ValueError for a label that is not a period label."""
    if dataset.kind == "cohorts":
        raise ValueError(NO_IDS)
    engine = getattr(dataset, "engine", None)
    if engine is not None:  # the rows live in another engine: it answers the same question
        return engine.customers_behind_cell(dataset.kind, options, cohort_label, k)
    spec = options.period
    c = spec.index_of_label(cohort_label)
    as_of = resolve_as_of(dataset, options)
    if as_of is None or k < 0:
        return []
    if dataset.kind == "events":
        cp = event_customer_periods(dataset.lazy(), spec, as_of).filter(pl.col("cohort") == c)
        if options.retention == "unbounded":
            return _ids(cp.filter(pl.col("last") >= c + k))
        return _ids(cp.filter(pl.col("period") == c + k))
    if dataset.kind == "subscriptions":
        sc = subscription_customers(dataset.lazy(), spec, as_of).filter(pl.col("cohort") == c)
        if k == 0:
            return _ids(sc)
        return _ids(sc.filter(pl.col("last").is_null() | (pl.col("last") >= c + k)))
    raise ValueError(f"{dataset.kind} data has no cohort triangle")


def customers_in_flow(dataset, options: AnalysisOptions, period_label: str, term: str) -> list[str]:
    """Sorted ids counted in one term of the formula (one of :data:`FLOW_TERMS`) for the period labelled
    ``period_label``; ``resurrected`` is for events only, ``new_lost`` for subscriptions only. A cohort table
    has no ids: ValueError saying so (:data:`~workbench.metrics.cohort_tables.NO_IDS`), as for a cell."""
    if term not in FLOW_TERMS:
        raise ValueError(f"unknown term {term!r}; use one of {', '.join(FLOW_TERMS)}")
    engine = getattr(dataset, "engine", None)
    if engine is not None:
        return engine.customers_in_flow(dataset.kind, options, period_label, term)
    if dataset.kind == "cohorts":
        raise ValueError(NO_IDS)
    spec = options.period
    p = spec.index_of_label(period_label)
    as_of = resolve_as_of(dataset, options)
    if as_of is None:
        return []
    if dataset.kind == "events":
        if term == "new_lost":
            raise ValueError("new_lost is a subscriptions term; events have resurrected instead")
        per_customer = (event_customer_periods(dataset.lazy(), spec, as_of)
                        .group_by("customer_id").agg(
                            (pl.col("period") == p - 1).any().alias("before"),
                            (pl.col("period") == p).any().alias("now"),
                            pl.col("cohort").first()))
        before, now, cohort = pl.col("before"), pl.col("now"), pl.col("cohort")
        condition = {"CS": before, "CE": now, "CN": now & (cohort == p), "retained": before & now,
                     "churned": before & ~now, "resurrected": now & ~before & (cohort < p)}[term]
        return _ids(per_customer.filter(condition))
    if dataset.kind == "subscriptions":
        if term == "resurrected":
            raise ValueError("resurrected is an events term; subscriptions have new_lost instead")
        sc = subscription_customers(dataset.lazy(), spec, as_of)
        c, last = pl.col("cohort"), pl.col("last")
        stays = last.is_null() | (last >= p + 1)
        condition = {"CS": (c < p) & (last.is_null() | (last >= p)), "CN": c == p, "CE": (c <= p) & stays,
                     "retained": (c < p) & stays, "churned": (c < p) & (last == p),
                     "new_lost": (c == p) & last.is_not_null() & (last <= p)}[term]
        return _ids(sc.filter(condition))
    raise ValueError(f"{dataset.kind} data has no retention formula")
