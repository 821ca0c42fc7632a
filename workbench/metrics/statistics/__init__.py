"""Statistics on small aggregates (pure numpy/scipy, no polars, no Textual).

* :mod:`.kaplan_meier` — Kaplan–Meier survival with lifelines' default 95% interval and median lifetime;
* :mod:`.durations` — grouped durations from subscription and event cohorts (the censoring rules);
* :mod:`.logrank` — the log-rank test between groups, and its result in words;
* :mod:`.wilson` — Wilson score intervals for k of n, and when one is too wide to say anything;
* :mod:`.sbg` — the shifted-beta-geometric forecast (Fader & Hardie 2007) and discounted lifetimes.

Survival, intervals and probabilities are fractions (0–1); durations are whole periods.
"""

from workbench.metrics.statistics.durations import event_groups, subscription_groups
from workbench.metrics.statistics.kaplan_meier import KaplanMeier, SurvivalPoint, kaplan_meier
from workbench.metrics.statistics.logrank import LogRank, describe, format_p, logrank
from workbench.metrics.statistics.sbg import (
    Holdout,
    SbgFit,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    fit_sbg,
    fit_sbg_survivors,
)
from workbench.metrics.statistics.wilson import TOO_WIDE, too_wide, wilson, wilson_interval

__all__ = [
    "TOO_WIDE", "Holdout", "KaplanMeier", "LogRank", "SbgFit", "SurvivalPoint", "describe",
    "discounted_expected_lifetime", "discounted_expected_residual_lifetime", "event_groups", "fit_sbg",
    "fit_sbg_survivors", "format_p", "kaplan_meier", "logrank", "subscription_groups", "too_wide", "wilson",
    "wilson_interval",
]
