"""CDNOW (69,659 purchases by 23,570 customers, Jan 1997 – Jun 1998): the monthly triangle and flow.

The expected figures below were computed independently of workbench, by a plain-Python script over the
original whitespace file ``CDNOW_master.txt`` (fields: customer id, YYYYMMDD date, CDs, dollars): it maps each
customer to the set of months ``year*12 + month - 1`` with a purchase, takes the cohort as the smallest, and for
each month p counts CS = customers with a purchase in p-1, CE = in p, CN = cohort == p, retained = in both,
resurrected = in p, not in p-1 but in some month before p-1; the triangle counts, per cohort, members with a
purchase in cohort+k (classic) or in cohort+k or later (unbounded). Its output also gave 23,570 customers
and total revenue 2,500,315.63, which match the published facts (cohorts Jan 7,846, Feb 8,476, Mar 7,248).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, analyze

CLASSIC = {
    "1997-01": [7846, 1157, 964, 810, 679, 736, 720, 582, 559, 594, 673, 634, 528, 511, 664, 472, 497, 498],
    "1997-02": [8476, 1312, 980, 783, 847, 786, 626, 619, 666, 721, 661, 545, 568, 718, 545, 548, 551],
    "1997-03": [7248, 1032, 752, 756, 674, 564, 561, 579, 634, 569, 464, 472, 678, 420, 443, 457],
}
UNBOUNDED = {
    "1997-01": [7846, 3654, 3357, 3140, 2958, 2842, 2677, 2524, 2404, 2292, 2148, 1947, 1741, 1564, 1396, 1086,
                846, 498],
    "1997-02": [8476, 3861, 3548, 3337, 3161, 3001, 2812, 2680, 2540, 2378, 2160, 1945, 1757, 1558, 1223, 928, 551],
    "1997-03": [7248, 3300, 3016, 2828, 2654, 2503, 2371, 2226, 2077, 1887, 1688, 1539, 1356, 1008, 774, 457],
}
# period: CS, CN, CE, retained, churned, resurrected, revenue
FLOW = [
    ("1997-02", 7846, 8476, 9633, 1157, 6689, 0, 379590.03),
    ("1997-03", 9633, 7248, 9524, 1681, 7952, 595, 393155.27),
    ("1997-04", 9524, 0, 2822, 1773, 7751, 1049, 142824.49),
    ("1997-05", 2822, 0, 2214, 852, 1970, 1362, 107933.30),
    ("1997-06", 2214, 0, 2339, 747, 1467, 1592, 108395.87),
    ("1997-07", 2339, 0, 2180, 746, 1593, 1434, 122078.88),
    ("1997-08", 2180, 0, 1772, 604, 1576, 1168, 88367.69),
    ("1997-09", 1772, 0, 1739, 528, 1244, 1211, 81948.80),
    ("1997-10", 1739, 0, 1839, 532, 1207, 1307, 89780.77),
    ("1997-11", 1839, 0, 2028, 624, 1215, 1404, 115448.64),
    ("1997-12", 2028, 0, 1864, 632, 1396, 1232, 95577.35),
    ("1998-01", 1864, 0, 1537, 512, 1352, 1025, 76756.78),
    ("1998-02", 1537, 0, 1551, 472, 1065, 1079, 77096.96),
    ("1998-03", 1551, 0, 2060, 571, 980, 1489, 108970.15),
    ("1998-04", 2060, 0, 1437, 518, 1542, 919, 66231.52),
    ("1998-05", 1437, 0, 1488, 459, 978, 1029, 70989.66),
    ("1998-06", 1488, 0, 1506, 446, 1042, 1060, 76109.30),
]


@pytest.fixture
def cdnow(cdnow_path):
    return load([str(cdnow_path)], LoadOptions()).datasets


def test_cdnow_monthly_triangle(cdnow):
    report = analyze(cdnow, AnalysisOptions())
    t = report.cohorts
    assert {r.cohort: list(r.active) for r in t.rows} == CLASSIC
    assert report.as_of == datetime(1998, 6, 30)
    # CDNOW is a log of dates: its last date, Jun 30, is a whole day of data, so June is over (issue 13).
    assert [r.complete.count(False) for r in t.rows] == [0, 0, 0]
    unbounded = analyze(cdnow, AnalysisOptions(retention="unbounded")).cohorts
    assert {r.cohort: list(r.active) for r in unbounded.rows} == UNBOUNDED
    # as of Jul 1 every month is complete.
    complete = analyze(cdnow, AnalysisOptions(as_of=datetime(1998, 7, 1))).cohorts
    assert all(all(r.complete) for r in complete.rows)


def test_cdnow_monthly_flow_and_revenue(cdnow):
    report = analyze(cdnow, AnalysisOptions())
    got = [(r.period, r.CS, r.CN, r.CE, r.retained, r.churned, r.resurrected, round(r.revenue, 2))
           for r in report.flow.rows]
    assert got == FLOW
    jan = report.cltv.by_period[0]
    assert (jan.period, jan.customers, round(jan.revenue, 2)) == ("1997-01", 7846, 299060.17)
    assert round(sum(r.revenue for r in report.cltv.by_period), 2) == 2500315.63
    assert [r.complete for r in report.flow.rows].count(False) == 0  # June 30 is a whole day
