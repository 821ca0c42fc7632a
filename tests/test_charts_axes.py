"""Chart axes at 80×24 (issue 13): whole counts without decimals, even round ticks, nothing clipped above
a fixed range, titles kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.charts.base import ChartSpec, Series, draw, nice_ticks, tick_label


def y_ticks(text: str, side: str = "left") -> list[float]:
    out = []
    for row in text.split("\n"):
        if side == "left" and "┤" in row.split("│")[0].split("┌")[0]:
            out.append(float(row.split("┤")[0].replace(",", "")))
        if side == "right" and "├" in row:
            out.append(float(row.rsplit("├", 1)[1].replace(",", "")))
    return out


@given(st.floats(-1e6, 1e6), st.floats(0.001, 1e6), st.integers(2, 8), st.booleans())
def test_nice_ticks_are_even_round_and_cover_the_range(low, span, count, integer):
    high = low + span
    ticks = nice_ticks(low, high, count, integer)
    assert ticks[0] <= low + 1e-6 * max(1, abs(low)) and ticks[-1] >= high - 1e-6 * max(1, abs(high))
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(steps) - min(steps) <= 1e-6 * max(1.0, max(abs(t) for t in ticks))
    if integer:
        assert all(float(t).is_integer() for t in ticks)


def test_counts_have_whole_even_ticks():
    spec = ChartSpec("counts", "Customers", (Series("CS", (0.0, 1.0, 2.0), (548.0, 601.0, 705.0), kind="bar"),))
    text = draw(spec, width=60, height=14, color=False)
    ticks = y_ticks(text)
    assert "548.0" not in text and all(t.is_integer() for t in ticks)
    assert len({b - a for a, b in zip(ticks, ticks[1:], strict=False)}) == 1
    assert tick_label(600.0) == "600" and tick_label(2.5) == "2.5"


def test_a_fixed_right_range_grows_to_show_crr_above_100():
    series = (Series("CS", (0.0, 1.0), (10.0, 12.0), kind="bar"),
              Series("CRR %", (0.0, 1.0), (90.0, 140.0), yside="right"))
    text = draw(ChartSpec("flow", "Flow", series, ylim_right=(0, 100)), width=60, height=14, color=False)
    assert max(y_ticks(text, "right")) >= 140


def test_the_revenue_chart_keeps_its_title_at_half_of_80_columns(tmp_path):
    from workbench.charts.churn import revenue_spec
    from workbench.io import LoadOptions, load
    from workbench.metrics import AnalysisOptions, analyze
    from workbench.resources import sample_paths

    report = analyze(load(sample_paths(), LoadOptions()).datasets, AnalysisOptions())
    text = draw(revenue_spec(report.flow), width=38, height=9, color=False)
    assert "NRR and GRR" in text.split("\n")[0]


def test_the_nps_legends_fit_half_of_80_columns_with_every_group():
    from workbench.charts.nps import nps_distribution_spec, nps_trend_spec
    from workbench.io import LoadOptions, load
    from workbench.metrics import AnalysisOptions, analyze
    from workbench.resources import sample_paths

    report = analyze(load(sample_paths(), LoadOptions()).datasets, AnalysisOptions())
    legend = draw(nps_distribution_spec(report.nps.overall), width=38, height=9, color=False).split("\n")[-1]
    assert all(group in legend for group in ("detractors", "passives", "promoters"))
    assert len(legend) <= 37  # a blank column before the chart beside it
    trend = draw(nps_trend_spec(report.nps, marker_index=3), width=38, height=9, color=False).split("\n")[-1]
    assert "NPS" in trend and "margin" in trend and len(trend) <= 37
