"""Charts carry a text alternative: each builder describes its data in words, and the offline renderer
puts that description in the image's `alt` (a bare SVG output is an `<img>` without one)."""

from __future__ import annotations

import base64
import html
import re

import altair as alt
import pandas as pd
import pytest

from mlops_workbook import charts


def alt_text(chart: alt.TopLevelMixin) -> str:
    bundle = charts.offline_svg_renderer(chart.to_dict())
    match = re.search(r'<img class="mw-chart" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)">', bundle["text/html"])
    assert match, bundle["text/html"][:200]
    assert base64.b64decode(match.group(1)).startswith(b"<svg")
    return html.unescape(match.group(2))


def test_the_renderer_is_offline_and_gives_the_description_as_alt():
    assert charts.enable_offline_rendering() == charts.RENDERER
    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a").properties(
        title="T", description='two bars <b>"quoted"</b>')
    assert alt_text(chart) == 'two bars <b>"quoted"</b>'  # escaped in the page, the same text read out
    assert "image/svg+xml" not in chart._repr_mimebundle_()  # only the image with its alt reaches the page
    assert alt_text(alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().properties(title="Only a title")) == "Only a title"


def test_levels_and_room_charts_say_their_numbers():
    dims = pd.DataFrame({"dimension": ["Data", "Deployment"], "level": [2, 1], "progress": [2.4, 1.0]})
    text = alt_text(charts.levels_chart(dims, target=3))
    assert "Data: level 2, progress 2.40" in text and "Deployment: level 1" in text and "target level 3" in text
    room = pd.DataFrame({"team": ["Blue", "Blue", "Red"], "dimension": ["Data", "Ops", "Data"], "level": [2, 0, 4]})
    assert "Blue: Data 2, Ops 0; Red: Data 4" in alt_text(charts.room_heatmap(room))
    counts = pd.DataFrame({"level": [0, 1], "teams": [1, 3]})
    assert "level 0: 1 team; level 1: 3 teams" in alt_text(charts.distribution_chart(counts))
    shares = pd.DataFrame({"dimension": ["Data", "Data"], "level": [0, 1], "share": [0.25, 0.75]})
    assert "Data: level 0 25%, level 1 75%" in alt_text(charts.share_chart(shares))


@pytest.fixture(scope="module")
def run():
    from mlops_workbook.simulation import simulate

    return simulate(scenario="sudden-covariate-shift", levels=(0, 4), seed=0, weeks=16, rows_per_week=200)


def test_simulation_charts_say_their_numbers(run):
    text = alt_text(charts.timeline_chart(run.timeline, run.events, metric="accuracy", onset=8, title="Accuracy"))
    last = run.timeline.sort_values("week").groupby("level_name")["accuracy"].last()
    assert "weeks 0 to 15; drift onset in week 8" in text
    for name, value in last.items():
        assert f"{name} from " in text and f"to {value:,.2f}" in text
    heat = alt_text(charts.drift_heatmap(run.drift))
    top = run.drift.loc[run.drift["statistic"].idxmax()]
    assert f"{top['feature']}: highest {top['statistic']:.3f} in week {int(top['week'])}" in heat


def test_cost_and_feature_charts_say_their_numbers():
    summary = pd.DataFrame({"name": ["L0 manual", "L4 optimized"], "net_cost": [120_000, 60_000],
                            "net_cost_low": [100_000, 50_000], "net_cost_high": [140_000, 70_000]})
    text = alt_text(charts.net_cost_chart(summary, currency="EUR"))
    assert "thousand EUR per year" in text and "L0 manual: 120 (90% interval 100 to 140)" in text
    frame = pd.DataFrame({"feature": ["age", "income"], "test": ["ks", "psi"], "statistic": [0.05, 0.4],
                          "p_value": [0.5, None], "drifted": [False, True]})
    assert "income: psi 0.400, drifted; age: ks 0.050." in alt_text(charts.feature_drift_chart(frame))
