"""Charts (workbench.charts): the plotted series equal the metrics numbers, ASCII mode is pure ASCII, the
marker moves, and ``render_chart`` picks sizes and characters. Kaplan-Meier against a plain-Python reference."""

from __future__ import annotations

import io
import re

import pytest

from workbench.charts import (
    CHART_NAMES,
    ChartUnavailable,
    chart_specs,
    churn_spec,
    cltv_spec,
    draw,
    flow_spec,
    nps_distribution_spec,
    nps_trend_spec,
    render_chart,
    retention_spec,
    revenue_spec,
    strip_colors,
    wants_ascii,
)
from workbench.charts.base import palette_from_rgb, thin_ticks, to_ascii
from workbench.charts.flow import window
from workbench.io import load
from workbench.metrics import AnalysisOptions, analyze, survival_of
from workbench.resources import sample_paths

SIZES = ((80, 24), (120, 40), (40, 12))


@pytest.fixture(scope="module")
def loaded():
    return load(sample_paths())


@pytest.fixture(scope="module")
def report(loaded):
    return analyze(loaded.datasets, AnalysisOptions())


@pytest.fixture(scope="module")
def subs_report(loaded):
    return analyze({"subscriptions": loaded.datasets["subscriptions"]}, AnalysisOptions())


def points(ys, keep=None):
    """(x, y) of the non-None values, optionally only where ``keep`` is True."""
    return [(float(k), y) for k, y in enumerate(ys) if y is not None and (keep is None or keep[k])]


def xy(series):
    return list(zip(series.x, series.y, strict=True))


def all_specs(report, km=None):
    t, f, c = report.cohorts, report.flow, report.cltv
    return [retention_spec(t, current=3, marker_k=5, km=km), flow_spec(f, marker_index=4, max_periods=9),
            churn_spec(f, marker_index=4), revenue_spec(f, marker_index=4),
            nps_trend_spec(report.nps, marker_index=2), nps_distribution_spec(report.nps.by_period[2]),
            cltv_spec(c, current=1, marker_k=2)]


# ---------------------------------------------------------------- data -> series: exactly the metrics numbers


def test_retention_series_are_the_triangle(report):
    t = report.cohorts
    spec = retention_spec(t, current=2, marker_k=4)
    for index, row in enumerate(t.rows):
        name = f"cohort {row.cohort}" if index == 2 else row.cohort
        if any(row.complete):
            done = spec.by_label(name)
            assert xy(done) == points(row.retention, row.complete)
            assert done.bold == (index == 2) and done.role == ("emphasis" if index == 2 else "faint")
        else:
            assert name not in spec.labels()
        if not all(row.complete):
            open_ = spec.by_label(f"{name} (not over)")
            assert open_.kind == "points"
            assert xy(open_) == points(row.retention, [not c for c in row.complete])
    assert xy(spec.by_label("average")) == points(t.average)
    assert spec.marker_x == 4
    assert spec.series[-1].bold  # the current cohort is drawn last, on top
    assert spec.xlabels[:3] == ("+0", "+1", "+2") and len(spec.xticks) == t.width


def test_retention_kaplan_meier_series(subs_report, loaded):
    km = survival_of(loaded.datasets["subscriptions"], subs_report.options.period, subs_report.as_of).curve
    spec = retention_spec(subs_report.cohorts, km=km)
    assert xy(spec.by_label("Kaplan-Meier")) == points(km)
    assert "Kaplan-Meier" not in retention_spec(subs_report.cohorts).labels()


def test_flow_series_are_the_formula(report):
    f = report.flow
    spec = flow_spec(f, marker_index=len(f.rows) - 1)
    for name in ("CS", "CN", "CE", "churned"):
        bars = spec.by_label(name)
        assert bars.kind == "bar"
        assert xy(bars) == [(float(i), float(getattr(r, name))) for i, r in enumerate(f.rows)]
    assert xy(spec.by_label("CRR %")) == points([r.crr for r in f.rows])
    assert xy(spec.by_label("kept %")) == points([r.starting_retention for r in f.rows])
    assert {s.yside for s in spec.series if s.kind == "line"} == {"right"}
    assert spec.marker_x == len(f.rows) - 1
    assert spec.xlabels[-1] == f.rows[-1].period + ("" if f.rows[-1].complete else "~")


def test_flow_window_follows_the_marker(report):
    f = report.flow
    spec = flow_spec(f, marker_index=7, max_periods=6)
    assert spec.by_label("CS").x == tuple(float(i) for i in range(6, 12))
    assert spec.by_label("CS").y == tuple(float(r.CS) for r in f.rows[6:12])
    assert spec.marker_x == 7
    assert window(10, None, 4) == range(6, 10)
    assert [window(10, m, 4) for m in (0, 3, 4, 7, 8, 9)] == [range(0, 4)] * 2 + [range(4, 8)] * 2 + [range(6, 10)] * 2
    assert window(3, 1, 8) == range(3)


def test_churn_and_revenue_series(report):
    f = report.flow
    done = [r.complete for r in f.rows]
    churn = churn_spec(f, marker_index=1)
    assert xy(churn.by_label("churn %")) == points([r.churn_rate for r in f.rows], done)
    if not all(done):
        assert xy(churn.by_label("churn % (not over)")) == points([r.churn_rate for r in f.rows],
                                                                  [not d for d in done])
    revenue = revenue_spec(f)
    assert xy(revenue.by_label("NRR %")) == points([r.nrr for r in f.rows], done)
    assert xy(revenue.by_label("GRR %")) == points([r.grr for r in f.rows], done)


def test_nps_series(report):
    n = report.nps
    spec = nps_trend_spec(n, marker_index=3)
    assert xy(spec.by_label("NPS")) == points([s.nps for s in n.by_period])
    upper, lower = spec.by_label("95% margin"), spec.by_label("- margin")
    for (x, hi), (x2, lo) in zip(xy(upper), xy(lower), strict=True):
        stats = n.by_period[int(x)]
        assert x == x2 and hi == min(stats.nps + stats.moe95, 100) and lo == max(stats.nps - stats.moe95, -100)
    few = [i for i, s in enumerate(n.by_period) if s.warning]
    assert (spec.by_label("too few answers").x if few else ()) == tuple(float(i) for i in few)
    assert spec.marker_x == 3
    dist = nps_distribution_spec(n.overall)
    assert [s.role for s in dist.series] == ["bad", "neutral", "good"]
    assert dict(zip(sum((s.x for s in dist.series), ()), sum((s.y for s in dist.series), ()), strict=True)) == {
        float(k): float(v) for k, v in enumerate(n.overall.distribution)}
    assert dist.by_label("detractors 0-6").x == tuple(float(k) for k in range(7))


def test_cltv_series(report):
    c = report.cltv
    spec = cltv_spec(c, current=0, marker_k=3)
    for index, row in enumerate(c.cumulative):
        name = f"cohort {row.cohort}" if index == 0 else row.cohort
        if any(row.complete):
            assert xy(spec.by_label(name)) == points(row.per_customer, row.complete)
    assert spec.by_label(f"cohort {c.cumulative[0].cohort}").bold
    assert spec.marker_x == 3


def test_missing_data_gives_a_sentence_not_a_crash(report):
    for spec in (retention_spec(None), flow_spec(None), churn_spec(None), revenue_spec(None), nps_trend_spec(None),
                 nps_distribution_spec(None), cltv_spec(None)):
        assert spec.empty and not spec.series
        text = draw(spec, width=60, height=10)
        assert spec.empty in " ".join(text.split())
    nps_only = analyze({"nps": load(sample_paths()[2:]).datasets["nps"]}, AnalysisOptions())
    with pytest.raises(ChartUnavailable, match="no retention chart"):
        chart_specs(nps_only, "retention")
    with pytest.raises(ChartUnavailable, match="unknown chart"):
        chart_specs(nps_only, "pie")


# ---------------------------------------------------------------- series -> text


@pytest.mark.parametrize("width,height", SIZES)
def test_ascii_mode_is_pure_ascii(report, width, height):
    for spec in all_specs(report):
        text = draw(spec, width=width, height=height, ascii=True)
        assert max(map(ord, text)) <= 127, spec.name
        lines = strip_colors(text).split("\n")
        assert len(lines) <= max(height, 6) and max(len(line) for line in lines) <= max(width, 20)


def test_unicode_mode_uses_braille_and_box_drawing(report):
    text = strip_colors(draw(retention_spec(report.cohorts, current=0), width=80, height=24))
    assert re.search("[\u2800-\u28ff]", text) and "┌" in text


def test_colours_come_from_the_palette(report):
    palette = palette_from_rgb("t", primary=(1, 2, 3), secondary=(4, 5, 6), accent=(7, 8, 9), warning=(10, 11, 12),
                               error=(13, 14, 15), success=(16, 17, 18), foreground=(200, 200, 200),
                               background=(0, 0, 0))
    text = draw(retention_spec(report.cohorts, current=0, marker_k=2), width=80, height=24, palette=palette)
    assert "38;2;1;2;3m" in text  # the current cohort: primary
    assert "38;2;7;8;9m" in text  # the average: accent
    assert "38;2;13;14;15m" in text  # the marker: error
    assert "\x1b" not in draw(retention_spec(report.cohorts), width=80, height=24, color=False)


def marker_column(text: str) -> int:
    """The column of the vertical marker: the column with the most '|' inside the frame."""
    rows = [line for line in strip_colors(text).split("\n") if line.count("|") >= 3 or line.count("│") >= 3]
    counts: dict[int, int] = {}
    for line in rows:
        inner = [i for i, ch in enumerate(line) if ch in "|│"][1:-1]
        for i in inner:
            counts[i] = counts.get(i, 0) + 1
    return max(counts, key=counts.get)


def test_marker_moves_with_the_period(report):
    f = report.flow
    columns = [marker_column(draw(churn_spec(f, marker_index=i), width=100, height=20, ascii=True))
               for i in (2, 10, 18)]
    assert columns == sorted(columns) and len(set(columns)) == 3


def test_ticks_are_thinned_to_fit():
    ticks, labels = thin_ticks(list(range(36)), [f"+{k}" for k in range(36)], 40)
    assert len(labels) * 5 <= 40 and labels[0] == "+0" and ticks == [int(t[1:]) for t in labels]


def test_to_ascii_replaces_everything_above_127():
    assert to_ascii("┌─┐│•█±…é") == "+-+|o#+/-...?"


# ---------------------------------------------------------------- the command-line entry point


@pytest.mark.parametrize("name", CHART_NAMES)
def test_render_chart_every_name(report, name):
    text = render_chart(report, name, width=90, height=30, ascii=True)
    assert max(map(ord, text)) <= 127
    assert "\x1b" not in text  # no colour by default: CI logs
    assert len(text.split("\n")) <= 32


def test_render_chart_sizes_to_the_terminal(report, monkeypatch):
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback=(80, 24): __import__("os").terminal_size((70, 20)))
    text = render_chart(report, "churn", ascii=True)
    assert max(len(line) for line in text.split("\n")) <= 70


def test_ascii_is_automatic_without_utf8():
    assert wants_ascii(io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    assert wants_ascii(io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert not wants_ascii(utf8, environ={})
    assert not wants_ascii(utf8, environ={"LANG": "en_US.UTF-8"})
    assert not wants_ascii(utf8, environ={"LC_CTYPE": "C.UTF-8"})
    assert not wants_ascii(utf8, environ={"LANG": "C.UTF-8"})
    assert not wants_ascii(utf8, environ={"LC_ALL": "C.UTF-8", "LANG": "C"})
    # LANG=C: Python coerces its own LC_CTYPE to C.UTF-8 and writes UTF-8, but the terminal asked for the C
    # locale (plain ASCII), as does LC_ALL=POSIX (Python's UTF-8 mode) (issue 13)
    assert wants_ascii(utf8, environ={"LC_CTYPE": "C.UTF-8", "LANG": "C"})
    assert wants_ascii(utf8, environ={"LC_ALL": "POSIX"})
    assert wants_ascii(utf8, environ={"LC_ALL": "C", "LANG": "en_US.UTF-8"})
    assert wants_ascii(utf8, environ={"LANG": "POSIX"})
    assert not wants_ascii(utf8, environ={"LANG": "de_DE.utf8@euro"})
    # Python falls back to UTF-8 when a named locale is not installed; the terminal still expects Latin-1
    assert wants_ascii(utf8, environ={"LC_CTYPE": "C.UTF-8", "LANG": "en_US.ISO-8859-1"})
    assert wants_ascii(utf8, environ={"LC_ALL": "ru_RU.KOI8-R"})


def test_chart_names_load_no_plotext():
    """`workbench report` declares --chart with CHART_NAMES: that must not cost plotext's import."""
    import subprocess
    import sys

    code = ("import sys; from workbench.charts import CHART_NAMES; "
            "print(sorted(m for m in sys.modules if m.startswith('plotext')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
