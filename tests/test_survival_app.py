"""The Survival tab: its key, the numbers on screen against workbench.metrics, the chart, its export and what it
says without data. Snapshots are in test_snapshots_app.py."""

from __future__ import annotations

from dataclasses import replace

from app_support import expected, ready, run_async, write_sample
from rich.text import Text
from textual.widgets import TabbedContent

from workbench.charts import strip_colors
from workbench.present.table import number
from workbench.ui.app import RetentionApp
from workbench.ui.charts import SurvivalCharts
from workbench.ui.survival_panel import SurvivalPanel, median_words
from workbench.ui.tabs import tab

SIZE = (80, 24)


def panel_text(panel) -> str:
    return "\n".join(s.content.plain if isinstance(s.content, Text) else str(s.content)
                     for s in panel.query("Static"))


@run_async
async def test_key_7_shows_survival_from_the_metrics(files):
    report, _ = expected(files)
    s = report.survival
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "survival"
        text = panel_text(app.query_one(SurvivalPanel))
        assert median_words(s) in text
        assert f"{s.customers:,} subscriptions customers: {s.rule}" in text
        for r in s.rows:
            line = next(x for x in text.splitlines() if x.split() and x.split()[0] == f"+{r.t}")
            assert line.split()[1:5] == [f"{r.at_risk:,}", f"{r.churned:,}", f"{r.censored:,}",
                                         number(r.survival, 1)]
            assert f"{number(r.ci_lower, 1)} – {number(r.ci_upper, 1)}" in line
        chart = app.query_one(SurvivalCharts).chart("survival")
        assert chart.data.survival == s and chart.data.forecast == report.forecast
        chart.plain()
        series = chart.spec.by_label("S(t) subscriptions")
        assert series.y == s.curve
        assert f"at risk +0: {s.customers:,}" in strip_colors(chart.spec.xlabel)
        seg = report.segments
        assert f"By segment: {seg.sentence}" in text
        for g in seg.groups:
            assert f"{g.name}: {g.customers:,} customers · " in text
        segments = app.query_one(SurvivalCharts).chart("survival_segments")
        assert segments.display and segments.data == seg
        await pilot.press("escape")
        assert app.query_one(TabbedContent).active == "cohorts"


def test_median_in_words_says_when_it_is_not_reached(files):
    report, _ = expected(files)
    s = report.survival
    assert s.median_lifetime is not None  # the test data loses more than half
    assert f"Median lifetime {s.median_lifetime} months" in median_words(s)
    assert f"gone by +{s.median_lifetime}." in median_words(s)
    assert "not reached" in median_words(replace(s, median_lifetime=None, median_lifetime_ci=(None, None)))


@run_async
async def test_survival_says_what_data_it_needs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_sample(tmp_path)
    app = RetentionApp(["nps.csv"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        assert "Survival needs events or subscriptions" in panel_text(app.query_one(SurvivalPanel))


@run_async
async def test_ctrl_s_exports_the_survival_table(files):
    report, _ = expected(files)
    app = RetentionApp(files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("7")
        table = tab("survival").export(app.main.export_context())
        assert table.name == "survival-month"
        assert table.headers == ["t", "at_risk", "churned", "censored", "survival", "ci_lower", "ci_upper"]
        assert [row[0] for row in table.rows] == [r.t for r in report.survival.rows]


@run_async
async def test_cltv_tab_shows_the_three_cltvs_and_why(files):
    from workbench.ui.cltv_panel import CltvPanel

    report, _ = expected(files)
    c = report.cltv_compared
    app = RetentionApp(files)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("5")
        await pilot.pause()
        text = " ".join(panel_text(app.query_one(CltvPanel)).split())
        assert f"Brought so far {c.realised:,.2f} per customer" in text
        assert f"forecast {c.forecast:,.2f}" in text
        assert " ".join(c.explanation.split()) in text


def test_the_new_options_reach_the_app_and_the_command_line(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from workbench.cli import cli
    from workbench.metrics import AnalysisOptions
    from workbench.ui.model import ViewSettings

    options = AnalysisOptions(inactive=5, top_segments=2, discount=0.2)
    assert ViewSettings.from_options(options).options() == options
    monkeypatch.chdir(tmp_path)
    write_sample(tmp_path)
    result = CliRunner().invoke(cli, ["report", "events.csv", "--format", "json", "--inactive", "2",
                                      "--top-segments", "1", "--discount", "0.05"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["survival_kind"], out["inactive"], out["top_segments"], out["discount"]) == ("events", 2, 1, 0.05)
    assert {g["name"] for g in out["segments"]["groups"]} == {"basic", "(other)"}
    bad = CliRunner().invoke(cli, ["report", "events.csv", "--inactive", "0"])
    assert bad.exit_code == 2 and "--inactive" in bad.output
