"""NPS: promoters 9–10, passives 7–8, detractors 0–6; NPS = %promoters − %detractors, with its uncertainty."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from workbench.metrics.aggregates import latest_time, reduce_dataset
from workbench.metrics.observed import Observed, observed_of
from workbench.metrics.options import AnalysisOptions
from workbench.metrics.periods import PeriodSpec

NPS_MIN_RESPONSES = 30  # fewer responses than this in a period: too few to say anything


@dataclass(frozen=True)
class NpsStats:
    """NPS of a set of responses.

    ``nps = %promoters − %detractors`` (None when no responses); ``moe95`` the 95% margin of error
    ``1.96 × 100 × sqrt(((p + d) − (p − d)²) / n)``; ``wald_low``/``wald_high`` the adjusted-Wald 95% interval
    (n + 3, promoters + ¾, detractors + ¾), clipped to −100..100; ``distribution[s]`` = responses with score s.
    ``warning`` is set when there are fewer than :data:`NPS_MIN_RESPONSES` responses.
    """

    label: str  # the period label, or "all" for the whole data
    responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    moe95: float | None
    wald_low: float | None
    wald_high: float | None
    distribution: tuple[int, ...]
    complete: bool = True
    change: float | None = None  # NPS change from the previous period (by_period only)
    warning: str | None = None

    @property
    def margin_low(self) -> float | None:
        """NPS − moe95, not below −100 (the lower edge of the band charts draw)."""
        return None if self.nps is None or self.moe95 is None else max(self.nps - self.moe95, -100.0)

    @property
    def margin_high(self) -> float | None:
        """NPS + moe95, not above 100."""
        return None if self.nps is None or self.moe95 is None else min(self.nps + self.moe95, 100.0)


@dataclass(frozen=True)
class NpsSummary:
    """All responses (``overall``), per period (oldest first) and the trend.

    ``trend`` is the least-squares slope of NPS in points per period over periods with enough responses
    (None with fewer than two such periods); ``trend_text`` says it in words.
    """

    period: PeriodSpec
    overall: NpsStats
    by_period: tuple[NpsStats, ...]
    trend: float | None
    trend_text: str


Z95 = 1.96


def moe95(promoters: int, detractors: int, n: int) -> float | None:
    """95% margin of error of NPS in points: ``1.96 × 100 × sqrt(((p + d) − (p − d)²) / n)``."""
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    return Z95 * 100 * math.sqrt(max((p + d) - (p - d) ** 2, 0.0) / n)


def adjusted_wald(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """Adjusted-Wald 95% interval of NPS in points: n + 3, promoters + ¾, detractors + ¾; clipped to ±100."""
    m = n + 3
    p, d = (promoters + 0.75) / m, (detractors + 0.75) / m
    centre = p - d
    half = Z95 * math.sqrt(max((p + d) - centre ** 2, 0.0) / m)
    return max(-100.0, (centre - half) * 100), min(100.0, (centre + half) * 100)


def nps_stats(distribution: Sequence[int], label: str = "all", complete: bool = True,
              change: float | None = None) -> NpsStats:
    """NPS of responses given as counts per score 0..10 (``distribution[s]``)."""
    counts = tuple(int(x) for x in distribution)
    if len(counts) != 11:
        raise ValueError("the distribution needs 11 counts, for scores 0 to 10")
    n = sum(counts)
    promoters, passives, detractors = counts[9] + counts[10], counts[7] + counts[8], sum(counts[:7])
    nps = (promoters - detractors) / n * 100 if n else None
    low, high = adjusted_wald(promoters, detractors, n) if n else (None, None)
    warning = None
    if n < NPS_MIN_RESPONSES:
        margin = moe95(promoters, detractors, n)
        detail = f" (margin of error ±{margin:.0f} points)" if margin is not None else ""
        warning = (f"only {n} response{'' if n == 1 else 's'} in {label}{detail}: too few to say anything; "
                   f"wait for at least {NPS_MIN_RESPONSES}")
    return NpsStats(label=label, responses=n, promoters=promoters, passives=passives, detractors=detractors,
                    nps=nps, moe95=moe95(promoters, detractors, n), wald_low=low, wald_high=high,
                    distribution=counts, complete=complete, change=change, warning=warning)


def _trend(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope (points per period) of (period index, NPS) pairs."""
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def nps_summary(dataset, options: AnalysisOptions | None = None) -> NpsSummary:
    """NPS overall and per period of an nps dataset (reduces, then :func:`nps_from`)."""
    options = options or AnalysisOptions()
    as_of = options.as_of or latest_time(dataset)
    frame = reduce_dataset(dataset, options.period, as_of) if as_of is not None else None
    return nps_from(frame, options.period, observed_of(dataset, as_of))


def nps_from(frame, spec: PeriodSpec, seen: Observed | datetime | None) -> NpsSummary:
    """NPS overall and per period (every period from the first response to the last observed one), with the
    trend, from the ``period, score, responses`` aggregate of :func:`workbench.metrics.reduce.reduce_nps`.
    ``seen``: how far the data reaches (:class:`~workbench.metrics.observed.Observed`; a datetime: as_of)."""
    if isinstance(seen, datetime):
        seen = Observed(seen)
    if frame is None or frame.height == 0:
        empty = nps_stats([0] * 11)
        return NpsSummary(spec, empty, (), None, "no responses")
    counts: dict[int, list[int]] = {}
    for p, score, n in frame.iter_rows():
        counts.setdefault(p, [0] * 11)[score] += n
    first = min(counts)
    last = max(max(counts), seen.last_index(spec))
    by_period, previous = [], None
    for p in range(first, last + 1):
        dist = counts.get(p, [0] * 11)
        n = sum(dist)
        label = spec.label_of(p)
        stats = nps_stats(dist, label, complete=seen.ended(spec, p))
        change = stats.nps - previous if stats.nps is not None and previous is not None else None
        by_period.append(_with_change(stats, change))
        if n:
            previous = stats.nps
    overall = nps_stats([sum(c[s] for c in counts.values()) for s in range(11)], "all")
    usable = [(spec.index_of_label(s.label), s.nps) for s in by_period
              if s.nps is not None and s.responses >= NPS_MIN_RESPONSES]
    trend = _trend(usable)
    if trend is None:
        text = f"not enough periods with {NPS_MIN_RESPONSES}+ responses to show a trend"
    elif abs(trend) < 0.5:
        text = f"flat ({trend:+.1f} points per {spec.noun})"
    else:
        text = f"{'rising' if trend > 0 else 'falling'} {abs(trend):.1f} points per {spec.noun}"
    return NpsSummary(spec, overall, tuple(by_period), trend, text)


def _with_change(stats: NpsStats, change: float | None) -> NpsStats:
    return replace(stats, change=change)

