"""The lab without a browser: the "Replay my data" panel, the money headline, the busy status and its
order (the status line is written after the charts), and the net-cost chart's axis."""

from __future__ import annotations

import html
import json
import re

import pandas as pd

from mlops_workbook import charts, resources
from mlops_workbook.cli import main
from mlops_workbook.simulation import MultiSeedResult, SimulationConfig, load_costs
from mlops_workbook.ui import DriftLab
from mlops_workbook.ui.replay_panel import NO_TIME, ReplayPanel
from mlops_workbook.ui.tables import money_headline

from ..conftest import ROOT


def _upload(name: str, content: bytes) -> tuple[dict, ...]:
    return ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
             "last_modified": pd.Timestamp("2026-01-01")},)


def text(value: str) -> str:
    """What the page says, tags dropped (alt text kept in `alt`)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


def alt(value: str) -> str:
    match = re.search(r'alt="([^"]*)"', value)
    assert match, value[:200]
    return html.unescape(match.group(1))


# --------------------------------------------------------------------------- the replay panel


def test_the_rainfall_button_replays_the_bundled_stream_with_block_bootstrap_intervals():
    assert (ROOT / "data" / "real" / "rainfall_data.csv").resolve() == resources.RAINFALL.resolve()
    panel = ReplayPanel()
    panel.try_sample()
    result = panel.wait()
    assert result is not None and result.levels == (0, 1, 2, 3, 4)
    assert panel.time.value is None and panel.label.value == "rain" and panel.period_text == "rows:30"
    page = text(panel.out.value)
    assert "moving-block bootstrap" in page and "Paired comparisons" in page
    for level in range(5):
        assert f"Level {level}" in page
    best = int(result.kpis.sort_values(["errors", "level"]).level.iloc[0])
    assert page.strip().startswith(f"Level {best} ")  # the headline names the level with the fewest errors
    errors = result.kpis.set_index("level").errors
    assert f"{errors[best]:,.0f}" in page
    assert "moving-block bootstrap" in alt(panel.chart.value) and "L0 manual" in alt(panel.chart.value)
    assert "Replayed rainfall_data.csv" in panel.status.value and 'aria-live="polite"' in panel.status.value
    assert not panel.button.disabled and not panel.sample_button.disabled


def test_an_upload_fills_the_column_choices_and_replays_as_the_cli_does(tmp_path, capsys):
    rows = pd.read_csv(resources.RAINFALL, nrows=3000)
    path = tmp_path / "my history.csv"
    rows.to_csv(path, index=False)
    panel = ReplayPanel()
    panel.upload.value = _upload("my history.csv", path.read_bytes())
    columns = [c for c in rows.columns if not c.startswith("Unnamed")]
    assert [label for label, _ in panel.time.options] == [NO_TIME, *columns]
    assert [v for _, v in panel.label.options] == columns and panel.label.value == "rain"
    assert panel.period.value == "rows" and not panel.button.disabled  # no time-like column: row blocks
    panel.rows.value, panel.delay.value = 20, 1
    order: list[str] = []
    for name in ("status", "out", "chart"):
        getattr(panel, name).observe(lambda change, n=name: order.append(n), names="value")
    panel.button.observe(lambda change: order.append(f"disabled={change['new']}"), names="disabled")
    panel.button.click()
    result = panel.wait()
    assert result is not None, panel.out.value
    assert order[:2] == ["disabled=True", "status"]  # busy first: the button held, "Replaying ..." said
    assert order.index("out") < order.index("chart") < len(order) - 2 and order[-2:] == ["status", "disabled=False"]
    assert main(["replay", str(path), "--label", "rain", "--period", "rows:20", "--label-delay", "1", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert result.to_dict()["kpis"] == cli["kpis"] and result.to_dict()["comparisons"] == cli["comparisons"]
    assert "my history.csv: 3,000 rows in 150 periods of 'rows:20', label delay 1" in text(panel.out.value)


def test_bad_input_is_one_line_naming_the_file_and_the_field():
    panel = ReplayPanel()
    panel.upload.value = _upload("broken.parquet", b"this is not parquet")
    assert "broken.parquet: cannot be read as Parquet" in text(panel.out.value)
    assert panel.button.disabled  # nothing to replay
    frame = pd.DataFrame({"x": range(200), "grade": ["A", "B", "C", "D"] * 50})
    panel.upload.value = _upload("grades.csv", frame.to_csv(index=False).encode())
    panel.label.value, panel.period.value, panel.rows.value = "grade", "rows", 10
    panel.button.click()
    panel.wait()
    message = text(panel.out.value).strip()
    assert message.startswith("grades.csv: label: ") and "positive" in message and "\n" not in message
    assert "tmp" not in message and panel.result is None and not panel.button.disabled
    assert "stopped" in panel.status.value


def test_the_panel_sits_in_the_lab():
    lab = DriftLab(levels=(0, 2), rows_per_week=200)
    assert lab.replay in lab.children and isinstance(lab.replay, ReplayPanel)


# --------------------------------------------------------------------------- headline


def _multi(net: dict[int, list[float]]) -> MultiSeedResult:
    rows = [{"seed": s, "level": level, "net_cost": cost} for level, costs in net.items() for s, cost in enumerate(costs)]
    config = SimulationConfig(levels=tuple(net))
    return MultiSeedResult(config, tuple(range(len(next(iter(net.values()))))), pd.DataFrame(rows), load_costs())


def test_the_headline_names_the_winner_and_by_how_much_with_its_interval():
    multi = _multi({0: [15.00e6, 15.10e6, 15.05e6, 15.02e6], 2: [14.90e6, 14.99e6, 14.96e6, 14.93e6],
                    4: [14.95e6, 15.05e6, 15.00e6, 14.96e6]})
    line = money_headline(multi)
    diff = multi.compare(2, 0)
    assert line.startswith("Level 2 loses least here: EUR ")
    assert f"EUR {abs(diff.mean):,.0f} less than Level 0 a year (90% interval EUR " in line
    assert f"{abs(diff.high):,.0f} to EUR {abs(diff.low):,.0f})" in line and "4 simulated years" in line
    assert multi.compare(2, 4).measurable == ("Level 4, no measurable difference" not in line)


def test_a_headline_without_a_measurable_winner_says_so():
    multi = _multi({0: [10.0e6, 10.2e6, 9.9e6], 3: [10.1e6, 10.0e6, 10.05e6]})
    line = money_headline(multi)
    assert line.startswith("Level 3 has the lowest mean here") or line.startswith("Level 0 has the lowest mean here")
    assert "no measurable difference" in line and "includes 0" in line


def test_when_level_0_wins_the_headline_compares_it_with_the_next_best():
    multi = _multi({0: [1.0e6, 1.1e6, 1.05e6], 1: [2.0e6, 2.1e6, 2.2e6], 2: [1.5e6, 1.6e6, 1.55e6]})
    assert money_headline(multi).startswith("Level 0 loses least here: EUR 500,000 less than Level 2 a year")


# --------------------------------------------------------------------------- busy status and its order


class Recorder:
    """Every change of the lab's status, charts, tables and controls' `disabled`, in order."""

    def __init__(self, lab: DriftLab):
        self.log: list[tuple[str, object]] = []
        for name in ("_status", "_headline", "_money_chart", "_money", "_timeline", "_kpis", "_heatmap"):
            getattr(lab, name).observe(lambda change, n=name: self.log.append((n, change["new"])), names="value")
        lab.controls.magnitude.observe(lambda change: self.log.append(("disabled", change["new"])), names="disabled")

    def index(self, name: str, start: int = 0) -> int:
        return next(i for i, (n, _) in enumerate(self.log) if n == name and i >= start)

    def statuses(self) -> list[str]:
        return [text(v) for n, v in self.log if n == "_status"]


def test_a_move_shows_it_is_busy_and_writes_the_status_after_the_charts():
    lab = DriftLab(levels=(0, 2, 4), rows_per_week=200)
    assert "simulated for 8 seeds" in lab.status and lab._headline.value and lab._money_chart.value
    record = Recorder(lab)
    lab.controls.onset.value = 9  # new data: the own stream first, the other seeds after
    lab.wait()
    statuses = record.statuses()
    assert "Simulating" in statuses[0] and 'aria-live="polite"' in lab.status
    assert record.log[1] == ("disabled", True) and ("disabled", False) in record.log  # inputs held, then back
    first = record.index("_status")
    drawn = max(record.index(name) for name in ("_timeline", "_kpis", "_heatmap"))
    assert first < drawn < record.index("_status", first + 1)  # "this stream drawn" after its charts
    money = max(record.index(name) for name in ("_money_chart", "_money", "_headline"))
    assert record.log[-1][0] == "_status" and money < len(record.log) - 1  # the final status is written last
    assert any("this stream drawn" in s for s in statuses[1:-1])  # the seeds were still out then
    assert "simulated for 8 seeds" in statuses[-1] and lab.multi.config == lab.config
    assert lab._headline.value != "" and "Level" in text(lab._headline.value)


def test_a_kept_setting_answers_at_once_and_a_newer_move_wins():
    lab = DriftLab(levels=(0, 4), rows_per_week=200)
    original = lab.controls.onset.value
    lab.controls.onset.value = original + 3
    lab.controls.onset.value = original + 4  # before the first move's seeds are back
    lab.wait()
    assert lab.multi.config.onset == original + 4 == lab.result.config.onset
    lab.controls.onset.value = original  # kept: drawn in one step, the status is final at once
    assert lab._pending is None and "kept from an earlier run" in lab.status


# --------------------------------------------------------------------------- the net-cost chart's axis


def test_close_costs_start_the_axis_near_the_lowest_and_say_so():
    summary = pd.DataFrame({"name": ["L0 manual", "L2 automated", "L4 optimized"],
                            "net_cost": [15.10e6, 15.00e6, 15.05e6], "net_cost_low": [15.05e6, 14.96e6, 15.00e6],
                            "net_cost_high": [15.15e6, 15.04e6, 15.10e6]})
    chart = charts.net_cost_chart(summary, currency="EUR")
    words = alt(charts.chart_html(chart))
    start = charts.value_axis(summary.net_cost_low / 1000, summary.net_cost_high / 1000)
    assert start is not None and 14_000 < start[0] < 14_960 and start[1] > 15_150
    assert f"The axis starts at {start[0]:,.0f}, not 0" in words
    spec = chart.to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"][0] == start[0]
    assert "not 0" in spec["layer"][0]["encoding"]["x"]["title"]


def test_costs_far_apart_keep_the_axis_from_0():
    assert charts.value_axis([8_000, 14_000], [9_000, 16_000]) is None
    assert charts.value_axis([-5, 10], [5, 12]) is None  # a negative value: from 0
    summary = pd.DataFrame({"name": ["L0 manual", "L3 monitored"], "net_cost": [15e6, 8e6],
                            "net_cost_low": [14e6, 7e6], "net_cost_high": [16e6, 9e6]})
    chart = charts.net_cost_chart(summary)
    assert "not 0" not in alt(charts.chart_html(chart))
    assert "scale" not in chart.to_dict()["layer"][0]["encoding"]["x"]

