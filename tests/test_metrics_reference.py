"""Hand-worked checks of the plain references in tests/references.py (that everything else is tested against)."""

from __future__ import annotations

import math
from datetime import datetime

from references import label, next_start, period_start, ref_nps


def test_reference_periods_by_hand():
    # 2024-03-31 was a Sunday.
    sunday = datetime(2024, 3, 31, 15, 30)
    assert period_start(sunday, "week", "monday") == datetime(2024, 3, 25)
    assert period_start(sunday, "week", "sunday") == datetime(2024, 3, 31)
    assert label(period_start(sunday, "quarter"), "quarter") == "2024-Q1"
    assert next_start(datetime(2024, 11, 1), "quarter") == datetime(2025, 2, 1)


def test_reference_nps_by_hand():
    # promoters 4 (10, 10, 9, 9), passives 2 (8, 7), detractors 4 (6, 5, 0, 3): NPS 0;
    # moe = 1.96 × 100 × sqrt(0.8 / 10) = 55.437; adjusted Wald: n' = 13, p' = d' = 4.75/13,
    # half = 1.96 × sqrt((9.5/13) / 13) = 0.46470 → ±46.47.
    ref = ref_nps([10, 10, 9, 9, 8, 7, 6, 5, 0, 3])
    assert ref["nps"] == 0
    assert math.isclose(ref["moe"], 55.4372, rel_tol=1e-4)
    assert math.isclose(ref["wald"][1], 46.470, rel_tol=1e-4)
