"""The log-rank test between two or more groups of grouped durations, and a sentence saying what it found.

Groups of ``(duration, churned?, customers)`` as in :mod:`workbench.metrics.statistics.kaplan_meier`. At each
distinct duration t (over all groups), with n_jt customers of group j at risk, d_jt of them churning,
n_t = Σ_j n_jt and d_t = Σ_j d_jt (Mantel 1966; Klein & Moeschberger 2003, §7.3):

    E_jt = n_jt · d_t / n_t                                  (churn expected in j if all groups were alike)
    Z_j  = Σ_t (d_jt − E_jt)
    V_jk = Σ_t n_jt (δ_jk n_t − n_kt) · d_t (n_t − d_t) / (n_t² (n_t − 1))    ((n_t − d_t)/(n_t − 1) := 1
                                                                              when n_t = 1)
    χ²   = Z' V⁻ Z over the first K − 1 groups,  df = K − 1,  p = P(χ²_df ≥ χ²)

V⁻ is the Moore–Penrose pseudo-inverse, as in lifelines' ``multivariate_logrank_test`` (for two groups the
same as ``logrank_test``), which this reproduces (tested to 1e-9).

The sentence: p < 0.05 says which group stays longer (the one with the smallest observed/expected churn
ratio) than which (the largest); p ≥ 0.05 says there is no clear difference. p is written "p < 0.001" below
0.001, else with two significant digits cut (not rounded) so the figure shown never crosses 0.05
("p = 0.012", "p = 0.049", "p = 0.31").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

import numpy as np

from workbench.metrics.statistics.kaplan_meier import Group, tally

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class LogRank:
    """The test's result; ``names``, ``observed`` and ``expected`` (churn counts) are in input order."""

    names: tuple[str, ...]
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    statistic: float
    df: int
    p_value: float

    def as_dict(self) -> dict:
        return {"statistic": self.statistic, "df": self.df, "p_value": self.p_value}

    def sentence(self) -> str:
        return describe(self)


def logrank(groups: Mapping[str, Iterable[Group]]) -> LogRank:
    """The log-rank test between the named groups (at least two, each with at least one customer)."""
    names = tuple(groups)
    if len(names) < 2:
        raise ValueError(f"the log-rank test compares two or more groups, got {len(names)}")
    tallies = {name: tally(groups[name]) for name in names}
    for name, (times, _, _) in tallies.items():
        if times.size == 0:
            raise ValueError(f"group {name!r} has no customers")
    times = np.unique(np.concatenate([tallies[name][0] for name in names]))
    k = len(names)
    removed = np.zeros((times.size, k))
    churned = np.zeros((times.size, k))
    for j, name in enumerate(names):
        t, d, c = tallies[name]
        rows = np.searchsorted(times, t)
        churned[rows, j] = d
        removed[rows, j] = d + c
    n_jt = removed.sum(axis=0) - np.vstack([np.zeros(k), np.cumsum(removed, axis=0)[:-1]])
    d_t = churned.sum(axis=1)
    n_t = n_jt.sum(axis=1)
    expected = n_jt * (d_t / n_t)[:, None]
    z = churned.sum(axis=0) - expected.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (n_t - d_t) / (n_t - 1)
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    factor = ratio * d_t / n_t**2
    v = np.diag((n_jt * (n_t[:, None] - n_jt) * factor[:, None]).sum(axis=0))
    off = -(n_jt * factor[:, None]).T @ n_jt
    v = np.where(np.eye(k, dtype=bool), v, off)
    statistic = float(z[:-1] @ np.linalg.pinv(v[:-1, :-1]) @ z[:-1])
    df = k - 1
    return LogRank(names, tuple(churned.sum(axis=0).tolist()), tuple(expected.sum(axis=0).tolist()),
                   statistic, df, chi2_tail(statistic, df))


def chi2_tail(x: float, df: int) -> float:
    """P(χ²_df ≥ x) for a whole df ≥ 1, as ``scipy.stats.chi2.sf``, in closed form: Q(x; 1) = erfc(√(x/2)),
    Q(x; 2) = e^(−x/2) and Q(x; k + 2) = Q(x; k) + (x/2)^(k/2) e^(−x/2) / Γ(k/2 + 1) (Abramowitz & Stegun
    26.4.4–5). Every term is positive, so the sum is accurate down to the smallest p; it spares the first
    screen importing scipy (0.1 s) for the survival-by-segment comparison."""
    if df < 1:
        raise ValueError(f"the chi-square distribution needs df ≥ 1, got {df}")
    if math.isnan(x):
        return math.nan
    half = x / 2
    if not half > 0:  # 0, or so small that half of it is 0: the whole distribution lies beyond
        return 1.0
    k = 2 - df % 2
    tail = math.exp(-half) if k == 2 else math.erfc(math.sqrt(half))
    while k < df:
        tail += math.exp(k / 2 * math.log(half) - half - math.lgamma(k / 2 + 1))
        k += 2
    return min(tail, 1.0)


def format_p(p: float) -> str:
    """``p < 0.001``, else ``p = `` two significant digits cut toward zero."""
    if p < 0.001:
        return "p < 0.001"
    exponent = Decimal(repr(float(p))).adjusted()  # 0.012 -> -2
    return f"p = {Decimal(repr(float(p))).quantize(Decimal(1).scaleb(exponent - 1), rounding=ROUND_DOWN)}"


def describe(result: LogRank) -> str:
    """The result in words, e.g. ``Two year stay longer than Month-to-month (log-rank p < 0.001)``.

    The names are used as given, so pass names that read well as a subject ("Two year contracts")."""
    p = f"(log-rank {format_p(result.p_value)})"
    if result.p_value >= SIGNIFICANCE:
        if len(result.names) == 2:
            return f"No clear difference in how long {result.names[0]} and {result.names[1]} stay {p}"
        return f"No clear difference in how long customers stay between the {len(result.names)} groups {p}"
    # a group never at risk when someone churned has o = e = 0: no evidence either way, so neutral (1)
    ratios = [o / e if e > 0 else 1.0 for o, e in zip(result.observed, result.expected, strict=True)]
    longest = result.names[int(np.argmin(ratios))]
    shortest = result.names[int(np.argmax(ratios))]
    if len(result.names) == 2:
        return f"{longest} stay longer than {shortest} {p}"
    return (f"How long customers stay differs between the {len(result.names)} groups {p}: "
            f"longest in {longest}, shortest in {shortest}")
