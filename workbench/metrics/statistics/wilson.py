"""Wilson score interval for a proportion k of n, and when it is too wide to say anything.

For k successes in n trials, p̂ = k / n and z = Φ⁻¹(1 − α/2) (1.96 for 95%) (Wilson 1927; Brown, Cai &
DasGupta 2001, "Interval Estimation for a Binomial Proportion", Statistical Science 16(2)):

    centre = (p̂ + z² / (2n)) / (1 + z² / n)
    half   = z · √(p̂ (1 − p̂) / n + z² / (4n²)) / (1 + z² / n)
    [centre − half, centre + half], clipped to [0, 1]

written the way statsmodels' ``proportion_confint(k, n, method="wilson")`` computes it (tested to 1e-12).
Unlike p̂ ± z·√(p̂(1 − p̂)/n) it stays inside [0, 1] and does not collapse to a point at k = 0 or k = n.
n = 0 gives NaN bounds (nothing to estimate).

Too wide: a cell whose interval is wider than ``TOO_WIDE`` = 0.30 (30 percentage points) says nothing useful —
the true retention could be, say, 35% as well as 65%. Near p̂ = 50% that means fewer than about 40
customers; near 10% or 90%, fewer than about 18.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

# Φ⁻¹ from the standard library (Wichura's AS241, double precision as scipy's ndtri): the first screen's
# intervals then need no scipy import (about 0.2 s)
_NORMAL = NormalDist()

TOO_WIDE = 0.30


def wilson_interval(k, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds (fractions 0–1) for arrays (or scalars) of counts ``k`` out of ``n``."""

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > n) or np.any(k != np.floor(k)) or np.any(n != np.floor(n)):
        raise ValueError("Wilson intervals need whole counts with 0 ≤ k ≤ n")
    crit = _NORMAL.inv_cdf(1 - alpha / 2)  # Φ⁻¹(1 − α/2), as scipy.stats.norm.isf(α/2)
    crit2 = crit**2
    with np.errstate(divide="ignore", invalid="ignore"):
        q = k / n
        denom = 1 + crit2 / n
        centre = (q + crit2 / (2 * n)) / denom
        half = crit * np.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def wilson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float] | None:
    """The interval for one proportion, None when n = 0."""
    if n == 0:
        return None
    lower, upper = wilson_interval(k, n, alpha)
    return float(lower), float(upper)


def too_wide(lower, upper, limit: float = TOO_WIDE):
    """True where the interval is wider than ``limit`` (or undefined, n = 0): too wide to say anything."""
    width = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    result = ~(width <= limit)  # NaN (n = 0) counts as too wide
    return bool(result) if result.ndim == 0 else result
