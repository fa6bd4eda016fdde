"""Altair chart builders (pure functions of DataFrames) and the one offline rendering setting.

Rendering: altair's default renderer loads vega, vega-lite and vega-embed from a CDN, which fails
offline in Voila and in exported HTML. `enable_offline_rendering()` switches altair to its `svg`
renderer: vl-convert (a PyPI wheel, no browser, no network) turns each chart into inline SVG, which
JupyterLab, Voila and nbconvert's HTML all show as is, with no script at all. It is called once,
here, by every notebook and report through `mlops_workbook.charts`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from .style import LEVEL_COLOURS, LEVEL_SHORT_NAMES, TONES

RENDERER = "svg"
# The level scales, from style.py (defined once): colours by level number, and by the short names the
# simulation's tables carry in `level_name`.
LEVEL_COLORS = list(LEVEL_COLOURS)
LEVEL_DOMAIN = [LEVEL_SHORT_NAMES[lv] for lv in sorted(LEVEL_SHORT_NAMES)]
LEVEL_NUMBERS = sorted(LEVEL_SHORT_NAMES)
BAR = "#9ec5e8"  # a neutral bar (progress, a feature that did not drift)
EVENT_SHAPES = {
    "alert": "triangle-up",
    "incident noticed": "diamond",
    "complaint": "diamond",
    "retrain": "circle",
    "promoted": "square",
    "canary": "triangle-right",
    "blocked": "cross",
    "rolled back": "triangle-down",
}


def enable_offline_rendering() -> str:
    """Render every altair chart as inline SVG (no CDN); returns the renderer name."""
    if alt.renderers.active != RENDERER:
        alt.renderers.enable(RENDERER)
    return alt.renderers.active


def levels_chart(dimensions: pd.DataFrame, *, target: int | None = None, title: str = "Level per dimension") -> alt.Chart:
    """Bars of each dimension's progress (level + share of the next level met), a tick at the solid
    level, and the target level as a rule. Columns: dimension, level, progress."""
    data = dimensions.assign(label=dimensions["level"].map(lambda v: f"L{v}"))
    y = alt.Y("dimension:N", sort=None, title=None)
    x_scale = alt.Scale(domain=[0, 4.0])
    bars = alt.Chart(data).mark_bar(color=BAR).encode(
        x=alt.X("progress:Q", scale=x_scale, title="maturity level (bar: progress into the next level)"),
        y=y,
        tooltip=["dimension", "level", alt.Tooltip("progress:Q", format=".2f")],
    )
    ticks = alt.Chart(data).mark_tick(color="#1d3557", thickness=3, size=18).encode(x="level:Q", y=y)
    labels = alt.Chart(data).mark_text(align="left", dx=4, color="#1d3557").encode(x="progress:Q", y=y, text="label:N")
    layers: list[Any] = [bars, ticks, labels]
    if target is not None:
        rule = alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(color=TONES["error"], strokeDash=[6, 3]).encode(
            x="target:Q")
        layers.append(rule)
    return alt.layer(*layers).properties(width=420, height=28 * max(len(data), 1), title=title)


def timeline_chart(timeline: pd.DataFrame, events: pd.DataFrame | None = None, *, metric: str = "accuracy",
                   onset: int | None = None, title: str | None = None) -> alt.Chart:
    """One line per level over the weeks, event markers on the lines, the drift onset as a rule."""
    data = timeline[["week", "level_name", metric]].rename(columns={metric: "value"})
    color = alt.Color("level_name:N", title="level", scale=alt.Scale(domain=LEVEL_DOMAIN, range=LEVEL_COLORS))
    lines = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=alt.X("week:Q", title="week"),
        y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
        color=color,
        tooltip=["week", "level_name", alt.Tooltip("value:Q", format=".3f")],
    )
    layers: list[Any] = [lines]
    if events is not None and not events.empty:
        names = dict(zip(timeline["level"], timeline["level_name"]))
        marks = events.assign(level_name=events["level"].map(names)).merge(data, on=["week", "level_name"], how="inner")
        layers.append(alt.Chart(marks).mark_point(size=70, filled=True, opacity=0.9).encode(
            x="week:Q", y="value:Q", color=color,
            shape=alt.Shape("event:N", scale=alt.Scale(domain=list(EVENT_SHAPES), range=list(EVENT_SHAPES.values()))),
            tooltip=["week", "level_name", "event", "detail"],
        ))
    if onset is not None:
        layers.append(alt.Chart(pd.DataFrame({"week": [onset]})).mark_rule(color="#555", strokeDash=[4, 4]).encode(
            x="week:Q"))
    return alt.layer(*layers).properties(width=640, height=260, title=title or f"{metric} per week")


def drift_heatmap(drift: pd.DataFrame, *, title: str = "Drift score per feature and week") -> alt.Chart:
    """Columns: week, feature, statistic, drifted."""
    return alt.Chart(drift).mark_rect().encode(
        x=alt.X("week:O", title="week", axis=alt.Axis(labelAngle=0, values=list(range(0, 520, 4)))),
        y=alt.Y("feature:N", title=None),
        color=alt.Color("statistic:Q", title="drift score", scale=alt.Scale(scheme="orangered")),
        tooltip=["week", "feature", "test", alt.Tooltip("statistic:Q", format=".3f"), "drifted"],
    ).properties(width=640, height=16 * max(drift["feature"].nunique(), 1), title=title)


def room_heatmap(levels: pd.DataFrame, *, title: str = "Level per team and dimension") -> alt.Chart:
    """Columns: team, dimension, level."""
    base = alt.Chart(levels).encode(x=alt.X("dimension:N", title=None, sort=None, axis=alt.Axis(labelAngle=-20)),
                                    y=alt.Y("team:N", title=None))
    rects = base.mark_rect().encode(color=alt.Color("level:O", scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
                                    tooltip=["team", "dimension", "level"])
    text = base.mark_text(color="white", fontWeight="bold").encode(text="level:Q")
    return alt.layer(rects, text).properties(width=80 * max(levels["dimension"].nunique(), 1),
                                             height=24 * max(levels["team"].nunique(), 1), title=title)


def distribution_chart(counts: pd.DataFrame, *, title: str = "Teams per overall level") -> alt.Chart:
    """Columns: level, teams."""
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("level:O", title="overall level"), y=alt.Y("teams:Q", title="teams", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("level:O", legend=None, scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
    ).properties(width=260, height=180, title=title)


def share_chart(shares: pd.DataFrame, *, title: str = "Share of teams at each level, per dimension") -> alt.Chart:
    """Columns: dimension, level, share."""
    return alt.Chart(shares).mark_bar().encode(
        x=alt.X("share:Q", stack="normalize", title="share of teams", axis=alt.Axis(format="%")),
        y=alt.Y("dimension:N", title=None, sort=None),
        color=alt.Color("level:O", scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
        tooltip=["dimension", "level", alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=420, height=28 * max(shares["dimension"].nunique(), 1), title=title)


def net_cost_chart(summary: pd.DataFrame, *, currency: str = "EUR", kpi: str = "net_cost",
                   title: str | None = None) -> alt.Chart:
    """Mean cost per level over seeds, with its 90% interval as an error bar (in thousands)."""
    data = pd.DataFrame({
        "level_name": summary["name"], "mean": summary[kpi] / 1000,
        "low": summary[f"{kpi}_low"] / 1000, "high": summary[f"{kpi}_high"] / 1000,
    })
    y = alt.Y("level_name:N", sort=None, title=None)
    color = alt.Color("level_name:N", legend=None, scale=alt.Scale(domain=LEVEL_DOMAIN, range=LEVEL_COLORS))
    bars = alt.Chart(data).mark_bar(opacity=0.75).encode(
        x=alt.X("mean:Q", title=f"{kpi.replace('_', ' ')} per year, thousand {currency} (mean, 90% interval)"),
        y=y, color=color, tooltip=["level_name", alt.Tooltip("mean:Q", format=",.0f"),
                                   alt.Tooltip("low:Q", format=",.0f"), alt.Tooltip("high:Q", format=",.0f")])
    errors = alt.Chart(data).mark_errorbar(ticks=True, color="#1f2d3a").encode(
        x=alt.X("low:Q", title=""), x2="high:Q", y=y)
    return alt.layer(bars, errors).properties(width=520, height=30 * max(len(data), 1),
                                              title=title or f"{kpi.replace('_', ' ')} per level")


def feature_drift_chart(frame: pd.DataFrame, *, title: str = "Drift statistic per feature") -> alt.Chart:
    """One bar per feature, the drifted ones in the error tone. Columns: feature, test, statistic,
    p_value, drifted (a `DriftReport.to_frame()`)."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("statistic:Q"), y=alt.Y("feature:N", sort="-x"),
        color=alt.Color("drifted:N", scale=alt.Scale(domain=[False, True], range=[BAR, TONES["error"]])),
        tooltip=["feature", "test", "statistic", "p_value"],
    ).properties(width=420, height=18 * len(frame), title=title)
