"""Altair chart builders (pure functions of DataFrames) and the one offline rendering setting.

Rendering: altair's default renderer loads vega, vega-lite and vega-embed from a CDN, which fails
offline in Voila and in exported HTML. `enable_offline_rendering()` switches altair to this module's
renderer: vl-convert (a PyPI wheel, no browser, no network) turns each chart into SVG, shown as an
image with a text alternative (`alt`), which JupyterLab, Voila and nbconvert's HTML all show as is,
with no script at all. It is called once, here, by every notebook and report through `mlops_workbook.charts`.

Text alternatives: a bare SVG output becomes an `<img>` without `alt` in JupyterLab and Voila, which a
screen reader announces as "image" and axe-core rates critical. Every builder here therefore sets the
chart's Vega-Lite `description` to a summary of its data (the numbers the picture shows, in words),
and the renderer puts it in `alt`.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from .html import fragment
from .style import LEVEL_COLOURS, LEVEL_SHORT_NAMES, TONES

RENDERER = "mlops-svg"
CHART = "ui/chart.html.j2"
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


def chart_text(spec: dict[str, Any]) -> str:
    """The text alternative of a chart spec: its `description`, else its title, else "chart"."""
    text = spec.get("description")
    if not text:
        title = spec.get("title")
        text = title.get("text") if isinstance(title, dict) else title
    return str(text or "chart")


def offline_svg_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    """altair's own SVG conversion (vl-convert, offline), shown as an image whose `alt` is the chart's
    description: the SVG alone reaches the page as an `<img>` without `alt`."""
    from altair.utils.mimebundle import spec_to_mimebundle

    bundle = spec_to_mimebundle(spec, format="svg", mode="vega-lite", vega_version=alt.VEGA_VERSION,
                                vegaembed_version=alt.VEGAEMBED_VERSION, vegalite_version=alt.VEGALITE_VERSION,
                                **metadata)
    svg = bundle["image/svg+xml"]  # type: ignore[index]
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    text = chart_text(spec)
    return {"text/html": fragment(CHART, "image", src, text), "text/plain": text}


alt.renderers.register(RENDERER, offline_svg_renderer)


def enable_offline_rendering() -> str:
    """Render every altair chart as an SVG image with its text alternative (no CDN); returns the renderer name."""
    if alt.renderers.active != RENDERER:
        alt.renderers.enable(RENDERER)
    return alt.renderers.active


def chart_html(chart: alt.TopLevelMixin) -> str:
    """A chart as the page shows it (the SVG image with its text alternative), for an HTML widget:
    a widget's value can be set from any thread and read in a test, an Output's display cannot.
    The same spec is drawn once (the lab's slider moved back to a kept setting redraws nothing)."""
    return _spec_html(json.dumps(chart.to_dict(validate=False), sort_keys=True))  # tests/test_charts.py validates


@lru_cache(maxsize=48)  # a lab's charts are 20-300 kB each
def _spec_html(spec: str) -> str:
    return offline_svg_renderer(json.loads(spec))["text/html"]


def _tips(*fields: str | alt.Tooltip) -> list[alt.Tooltip]:
    """Tooltip channels as objects: altair turns each bare string into one through a schema lookup that
    costs milliseconds apiece (a third of the lab's chart time)."""
    return [f if isinstance(f, alt.Tooltip) else alt.Tooltip(f) for f in fields]


def _listing(items: Iterable[str]) -> str:
    return "; ".join(items)


def _num(value: Any, fmt: str = "{:,.2f}") -> str:
    try:
        return fmt.format(float(value)) if pd.notna(value) else "no value"
    except (TypeError, ValueError):
        return str(value)


def levels_chart(dimensions: pd.DataFrame, *, target: int | None = None, title: str = "Level per dimension") -> alt.Chart:
    """Bars of each dimension's progress (level + share of the next level met), a tick at the solid
    level, and the target level as a rule. Columns: dimension, level, progress."""
    data = dimensions.assign(label=dimensions["level"].map(lambda v: f"Level {v}"))
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
    text = _listing(f"{r.dimension}: level {r.level}, progress {_num(r.progress)}" for r in data.itertuples())
    aim = f"; target level {target}" if target is not None else ""
    return alt.layer(*layers).properties(width=420, height=28 * max(len(data), 1), title=title,
                                         description=f"{title}. {text}{aim}.")


def timeline_chart(timeline: pd.DataFrame, events: pd.DataFrame | None = None, *, metric: str = "accuracy",
                   onset: int | None = None, title: str | None = None) -> alt.Chart:
    """One line per level over the weeks, event markers on the lines, the drift onset as a rule."""
    data = timeline[["week", "level_name", metric]].rename(columns={metric: "value"})
    color = alt.Color("level_name:N", title="level", scale=alt.Scale(domain=LEVEL_DOMAIN, range=LEVEL_COLORS))
    lines = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=alt.X("week:Q", title="week"),
        y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
        color=color,
        tooltip=_tips("week", "level_name", alt.Tooltip("value:Q", format=".3f")),
    )
    layers: list[Any] = [lines]
    if events is not None and not events.empty:
        names = dict(zip(timeline["level"], timeline["level_name"]))
        events = events.assign(level_name=events["level"].map(names))
        marks = events.merge(data, on=["week", "level_name"], how="inner")
        layers.append(alt.Chart(marks).mark_point(size=70, filled=True, opacity=0.9).encode(
            x=alt.X("week:Q"), y=alt.Y("value:Q"), color=color,
            shape=alt.Shape("event:N", scale=alt.Scale(domain=list(EVENT_SHAPES), range=list(EVENT_SHAPES.values()))),
            tooltip=_tips("week", "level_name", "event", "detail"),
        ))
    if onset is not None:
        layers.append(alt.Chart(pd.DataFrame({"week": [onset]})).mark_rule(color="#555", strokeDash=[4, 4]).encode(
            x=alt.X("week:Q")))
    title = title or f"{metric} per week"
    return alt.layer(*layers).properties(width=640, height=260, title=title,
                                         description=timeline_text(data, events, metric, onset, title))


def timeline_text(data: pd.DataFrame, events: pd.DataFrame | None, metric: str, onset: int | None, title: str) -> str:
    """The timeline in words: the weeks, each level's first and last value and its events, the onset."""
    if data.empty:
        return f"{title}: no weeks."
    weeks = f"weeks {int(data['week'].min())} to {int(data['week'].max())}"
    parts = []
    for name, rows in data.sort_values("week").groupby("level_name", sort=False):
        line = f"{name} from {_num(rows['value'].iloc[0])} to {_num(rows['value'].iloc[-1])}"
        if events is not None and not events.empty and "level_name" in events:
            counts = events[events["level_name"] == name]["event"].value_counts()
            if len(counts):
                line += " (" + ", ".join(f"{n} {e}" for e, n in counts.items()) + ")"
        parts.append(line)
    start = f"; drift onset in week {onset}" if onset is not None else ""
    return f"{title}, {weeks}{start}. {metric}: {_listing(parts)}."


def drift_heatmap(drift: pd.DataFrame, *, title: str = "Drift score per feature and week") -> alt.Chart:
    """Columns: week, feature, statistic, drifted."""
    return alt.Chart(drift).mark_rect().encode(
        x=alt.X("week:O", title="week", axis=alt.Axis(labelAngle=0, values=list(range(0, 520, 4)))),
        y=alt.Y("feature:N", title=None),
        color=alt.Color("statistic:Q", title="drift score", scale=alt.Scale(scheme="orangered")),
        tooltip=_tips("week", "feature", "test", alt.Tooltip("statistic:Q", format=".3f"), "drifted"),
    ).properties(width=640, height=16 * max(drift["feature"].nunique(), 1), title=title,
                 description=heatmap_text(drift, title))


def heatmap_text(drift: pd.DataFrame, title: str) -> str:
    """The heatmap in words: per feature, its highest score and week and how many weeks drifted."""
    if drift.empty:
        return f"{title}: no weeks."
    parts = []
    for feature, rows in drift.groupby("feature", sort=False):
        top = rows.loc[rows["statistic"].idxmax()]
        drifted = int(rows["drifted"].sum()) if "drifted" in rows else 0
        parts.append(f"{feature}: highest {_num(top['statistic'], '{:.3f}')} in week {int(top['week'])}, "
                     f"drifted in {drifted} of {len(rows)} weeks")
    return f"{title}. {_listing(parts)}."


def room_heatmap(levels: pd.DataFrame, *, title: str = "Level per team and dimension") -> alt.Chart:
    """Columns: team, dimension, level."""
    base = alt.Chart(levels).encode(x=alt.X("dimension:N", title=None, sort=None, axis=alt.Axis(labelAngle=-20)),
                                    y=alt.Y("team:N", title=None))
    rects = base.mark_rect().encode(color=alt.Color("level:O", scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
                                    tooltip=["team", "dimension", "level"])
    text = base.mark_text(color="white", fontWeight="bold").encode(text="level:Q")
    teams = _listing(f"{team}: " + ", ".join(f"{r.dimension} {r.level}" for r in rows.itertuples())
                     for team, rows in levels.groupby("team", sort=False))
    return alt.layer(rects, text).properties(width=80 * max(levels["dimension"].nunique(), 1),
                                             height=24 * max(levels["team"].nunique(), 1), title=title,
                                             description=f"{title}. {teams or 'no teams'}.")


def distribution_chart(counts: pd.DataFrame, *, title: str = "Teams per overall level") -> alt.Chart:
    """Columns: level, teams."""
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("level:O", title="overall level"), y=alt.Y("teams:Q", title="teams", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("level:O", legend=None, scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
    ).properties(width=260, height=180, title=title, description=f"{title}. " + _listing(
        f"level {r.level}: {r.teams} {'team' if r.teams == 1 else 'teams'}" for r in counts.itertuples()) + ".")


def share_chart(shares: pd.DataFrame, *, title: str = "Share of teams at each level, per dimension") -> alt.Chart:
    """Columns: dimension, level, share."""
    return alt.Chart(shares).mark_bar().encode(
        x=alt.X("share:Q", stack="normalize", title="share of teams", axis=alt.Axis(format="%")),
        y=alt.Y("dimension:N", title=None, sort=None),
        color=alt.Color("level:O", scale=alt.Scale(domain=LEVEL_NUMBERS, range=LEVEL_COLORS)),
        tooltip=["dimension", "level", alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=420, height=28 * max(shares["dimension"].nunique(), 1), title=title, description=f"{title}. " + _listing(
        f"{dim}: " + ", ".join(f"level {r.level} {_num(r.share, '{:.0%}')}" for r in rows.itertuples())
        for dim, rows in shares.groupby("dimension", sort=False)) + ".")


ZOOM_SPREAD = 0.5  # bars start near their smallest value when all of them lie within this share of the largest
# (the lab's default: L2-L4 within 0.1M on 6.3M and L0 1.4M above; from 0 the three look equal)


def value_axis(lows: Iterable[float], highs: Iterable[float]) -> tuple[float, float] | None:
    """Where a bar chart's value axis should run: None for from 0 (the default), or (start, end) when
    every value is positive and they all lie close together (the spread of the intervals under
    `ZOOM_SPREAD` of the largest value), so bars from 0 would look equal (0.1M apart on 15M). The
    start is a round number below the lowest interval, stated wherever the chart is (axis title and
    text alternative)."""
    low = [float(v) for v in lows if pd.notna(v)]
    high = [float(v) for v in highs if pd.notna(v)]
    if not low or not high or min(low) <= 0:
        return None
    bottom, top = min(low), max(high)
    span = top - bottom
    if span >= ZOOM_SPREAD * top:
        return None
    pad = span * 0.25 if span > 0 else abs(top) * 0.01
    step = 10 ** math.floor(math.log10(span if span > 0 else pad))  # a round start: 14,800, not 14,823
    start = max(0.0, math.floor((bottom - pad) / step) * step)
    return start, top + pad


def level_interval_chart(summary: pd.DataFrame, *, kpi: str, unit: str, title: str, scale: float = 1.0,
                         interval_note: str = "90% interval", names: dict[int, str] | None = None) -> alt.Chart:
    """One bar per level (its mean) with its interval as an error bar and the mean written beside it.
    Columns: name (or level, with `names`: each level's label, e.g. the rubric's), `kpi`, `kpi`_low,
    `kpi`_high; values are divided by `scale` (1000: thousands). When the values lie close together the
    axis starts near the lowest (`value_axis`) and says so."""
    labels_of = names or LEVEL_SHORT_NAMES
    domain = [labels_of.get(lv, LEVEL_SHORT_NAMES[lv]) for lv in LEVEL_NUMBERS]
    data = pd.DataFrame({
        "level_name": summary["level"].map(labels_of) if names else summary["name"], "mean": summary[kpi] / scale,
        "low": summary[f"{kpi}_low"] / scale, "high": summary[f"{kpi}_high"] / scale,
    })
    data["label"] = data["mean"].map(lambda v: _num(v, "{:,.0f}"))
    axis = value_axis(data["low"], data["high"])
    start = f"axis starts at {_num(axis[0], '{:,.0f}')}, not 0" if axis else ""
    x_title = f"{unit} ({interval_note})" + (f"; {start}" if start else "")
    x_scale = alt.Scale(domain=list(axis), zero=False, nice=False) if axis else alt.Undefined
    y = alt.Y("level_name:N", sort=None, title=None)
    color = alt.Color("level_name:N", legend=None, scale=alt.Scale(domain=domain, range=LEVEL_COLORS))
    bar_x = alt.X("mean:Q", title=x_title, scale=x_scale)
    bars = alt.Chart(data).mark_bar(opacity=0.75, clip=True).encode(
        x=bar_x, **({"x2": alt.datum(axis[0])} if axis else {}), y=y, color=color,
        tooltip=_tips("level_name", alt.Tooltip("mean:Q", format=",.0f"), alt.Tooltip("low:Q", format=",.0f"),
                      alt.Tooltip("high:Q", format=",.0f")))
    errors = alt.Chart(data).mark_errorbar(ticks=True, color="#1f2d3a").encode(
        x=alt.X("low:Q", title="", scale=x_scale), x2=alt.X2("high"), y=y)
    labels = alt.Chart(data).mark_text(align="left", dx=6, color=TONES["ink"]).encode(
        x=alt.X("high:Q", scale=x_scale), y=y, text=alt.Text("label:N"))
    text = _listing(f"{r.level_name}: {r.label} ({interval_note} {_num(r.low, '{:,.0f}')} to "
                    f"{_num(r.high, '{:,.0f}')})" for r in data.itertuples())
    where = f" The {start} ({unit}), so that the bars show their differences." if start else ""
    return alt.layer(bars, errors, labels).properties(
        width=520, height=30 * max(len(data), 1), title=title,
        description=f"{title}, {unit}. {text}.{where}")


def net_cost_chart(summary: pd.DataFrame, *, currency: str = "EUR", kpi: str = "net_cost",
                   title: str | None = None, names: dict[int, str] | None = None) -> alt.Chart:
    """Mean cost per level over seeds, with its 90% interval as an error bar (in thousands); the axis
    starts near the lowest cost when the levels are close (`value_axis`), and says so. `names`: each
    level's label (the report's `level_label` with its rubric), else the short names."""
    what = kpi.replace("_", " ")
    return level_interval_chart(summary, kpi=kpi, scale=1000, title=title or f"{what} per level",
                                unit=f"thousand {currency} per year", interval_note="90% interval", names=names)


def feature_drift_chart(frame: pd.DataFrame, *, title: str = "Drift statistic per feature") -> alt.Chart:
    """One bar per feature, the drifted ones in the error tone. Columns: feature, test, statistic,
    p_value, drifted (a `DriftReport.to_frame()`)."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("statistic:Q"), y=alt.Y("feature:N", sort="-x"),
        color=alt.Color("drifted:N", scale=alt.Scale(domain=[False, True], range=[BAR, TONES["error"]])),
        tooltip=["feature", "test", "statistic", "p_value"],
    ).properties(width=420, height=18 * len(frame), title=title, description=f"{title}. " + _listing(
        f"{r.feature}: {r.test} {_num(r.statistic, '{:.3f}')}{', drifted' if r.drifted else ''}"
        for r in frame.sort_values("statistic", ascending=False).itertuples()) + ".")
