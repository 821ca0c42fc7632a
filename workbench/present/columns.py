"""Which columns a section has for the data at hand, named once (the same names in every output)."""

from __future__ import annotations

from workbench.metrics import Flow
from workbench.present.table import Column


def flow_columns(flow: Flow) -> list[Column]:
    """The retention formula's columns: the terms, the rates, the kind's own terms (a cohort table has none),
    revenue when there is some, and ``complete``."""
    cols = [Column("period"), Column("CS", "int"), Column("CN", "int"), Column("CE", "int"),
            Column("retained", "int"), Column("churned", "int"), Column("crr", "pct"),
            Column("churn_rate", "pct"), Column("starting_retention", "pct")]
    if flow.kind == "events":
        cols += [Column("resurrected", "int"), Column("quick_ratio", "ratio")]
    elif flow.kind == "subscriptions":
        cols.append(Column("new_lost", "int"))
    if flow.has_revenue:
        cols += [Column("revenue", "money"), Column("nrr", "pct"), Column("grr", "pct")]
    cols.append(Column("complete", "complete"))
    return cols
