"""The lab's "Replay my data": upload a labelled history, pick its time and label columns, and see the
five levels' policies run over it (the `replay` command's own `replay_file`, not a copy of it).

The replay runs on a thread of its own (a history takes seconds), with the panel's status saying so
and its buttons disabled; its KPIs, the paired comparisons and a chart come back together, the
status last. Bad input is one line naming the file and the field.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .. import resources
from .._files import safe_name
from ..errors import DataError, WorkbookError
from ..html import fragment, trusted
from ..simulation.history_data import history_columns
from ..simulation.replay import ReplayResult, replay_file
from ..table_files import ACCEPT
from ._common import in_background
from .tables import replay_headline, replay_table_html
from .upload import uploaded_files

LAB = "ui/lab.html.j2"
NO_TIME = "(none: the file's row order)"
PERIODS = [("day", "day"), ("week (Monday to Sunday)", "week"), ("month", "month"),
           ("index (an integer column: a year, a batch)", "index"), ("blocks of rows", "rows")]
TIME_WORDS = ("date", "time", "timestamp", "day", "week", "month", "year", "period")
SAMPLE = {"time": None, "label": "rain", "period": "rows", "rows": 30}  # the rainfall stream: days in row order


class ReplayPanel(widgets.VBox):
    """A file (uploaded, or the bundled rainfall stream) and its columns in; the replay's headline, KPI
    table with 90% moving-block bootstrap intervals, paired comparisons and chart out."""

    def __init__(self, *, sample: Path = resources.RAINFALL, **kwargs: Any):
        super().__init__(**kwargs)
        style = {"description_width": "150px"}
        self.sample = Path(sample)
        self.upload = widgets.FileUpload(accept=ACCEPT, multiple=False,
                                         description="History file")
        self.time = widgets.Dropdown(description="Time column", options=[(NO_TIME, None)], value=None, style=style,
                                     layout=widgets.Layout(width="410px"))
        self.label = widgets.Dropdown(description="Label column", options=[], style=style, layout=widgets.Layout(width="410px"))
        self.positive = widgets.Text(description="Positive value", placeholder="found from the label if 0/1",
                                     style=style, layout=widgets.Layout(width="410px"))
        self.period = widgets.Dropdown(description="Period", options=PERIODS, value="week", style=style, layout=widgets.Layout(width="410px"))
        self.rows = widgets.BoundedIntText(description="Rows per period", min=1, max=10_000_000, value=30,
                                           style=style, layout=widgets.Layout(width="410px"))
        self.delay = widgets.BoundedIntText(description="Label delay (periods)", min=0, max=1000, value=0,
                                            style=style, layout=widgets.Layout(width="410px"))
        self.button = widgets.Button(description="Replay my data", icon="play", disabled=True)
        self.sample_button = widgets.Button(description="Try it on the rainfall stream", icon="cloud",
                                            layout=widgets.Layout(width="260px"))
        self.status, self.out, self.chart = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.result: ReplayResult | None = None
        self.source: Path | None = None  # the file replayed (an upload is kept in a folder of its own)
        self.name = ""  # the file's name as the user knows it (an upload's own name)
        self._folder: tempfile.TemporaryDirectory | None = None
        self._running: Any = None
        self.upload.observe(self._guarded(self._uploaded), names="value")
        self.button.on_click(self._guarded(lambda _: self.run()))
        self.sample_button.on_click(self._guarded(lambda _: self.try_sample()))
        self.period.observe(lambda change: self._show_rows(), names="value")
        self.children = [
            widgets.HTML(fragment(LAB, "replay_intro")),
            widgets.HBox([self.upload, self.sample_button]),
            widgets.HBox([widgets.VBox([self.time, self.label, self.positive]),
                          widgets.VBox([self.period, self.rows, self.delay])], layout=widgets.Layout(flex_flow="row wrap")),
            self.button, self.status, self.out, self.chart,
        ]
        self._show_rows()

    # ------------------------------------------------------------------ choosing the file

    def use_file(self, path: str | Path, *, name: str | None = None) -> list[str]:
        """Take a file for the replay and fill the column choices from it (a time-like name and the last
        column are preselected); returns its columns."""
        path = Path(path)
        shown = name or path.name
        try:
            columns = history_columns(path)
        except WorkbookError as exc:
            raise _named(exc, shown) from None
        self.source, self.name = path, shown
        self.time.options = [(NO_TIME, None), *((c, c) for c in columns)]
        self.time.value = next((c for c in columns if any(w in c.lower() for w in TIME_WORDS)), None)
        self.label.options = [(c, c) for c in columns]
        self.label.value = columns[-1] if self.time.value != columns[-1] else columns[0]
        self.period.value = "week" if self.time.value is not None else "rows"
        self.button.disabled = False
        self.out.value = self.chart.value = ""
        self.status.value = fragment(LAB, "live_status", f"{shown}: {len(columns)} columns. Choose the time and "
                                     "the label, then Replay my data.")
        return columns

    def try_sample(self) -> Any:
        """Load the bundled NOAA rainfall stream with its own choices (row order, 30-day periods, label
        `rain`) and replay it."""
        self.use_file(self.sample)
        self.time.value, self.label.value = SAMPLE["time"], SAMPLE["label"]
        self.period.value, self.rows.value = SAMPLE["period"], SAMPLE["rows"]
        return self.run()

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = uploaded_files(change["new"])
        if not files:
            return
        name, data = files[0]
        if self._folder is not None:
            self._folder.cleanup()
        self._folder = tempfile.TemporaryDirectory(prefix="mlops-workbook-replay-")
        suffix = "".join(Path(name).suffixes[-2:]) if name.lower().endswith(".csv.gz") else Path(name).suffix
        path = Path(self._folder.name) / (safe_name(Path(name).stem, default="history") + suffix.lower())
        path.write_bytes(data)
        self.use_file(path, name=name)

    # ------------------------------------------------------------------ the replay

    @property
    def period_text(self) -> str:
        """The `--period` the choices make: day, week, month, index or rows:N."""
        return f"rows:{self.rows.value}" if self.period.value == "rows" else str(self.period.value)

    def run(self) -> Any:
        """Replay the chosen file on a thread of its own; the page is told when it starts and when it is
        done. Returns the background future (done once the page shows the outcome)."""
        if self.source is None:
            raise DataError("choose a history file first (or try the rainfall stream)", field="file")
        source, name = self.source, self.name
        options = {"time": self.time.value, "label": self.label.value, "positive": self.positive.value.strip() or None,
                   "period": self.period_text, "label_delay": int(self.delay.value)}
        if options["label"] is None:
            raise DataError("choose the label column", source=name, field="label")
        self._busy(True)
        self.status.value = fragment(LAB, "live_status", f"Replaying {name}: five levels over its periods…",
                                     busy=True)

        def work() -> ReplayResult:
            try:
                return replay_file(source, **options)
            except WorkbookError as exc:
                raise _named(exc, name) from None

        self._running = in_background(work, self._guarded(lambda result, error: self._show(result, error, name)))
        return self._running

    def wait(self, timeout: float | None = 300) -> ReplayResult | None:
        """Block until the running replay is shown (for scripts and tests)."""
        if self._running is not None:
            self._running.result(timeout)
        return self.result

    def _show(self, result: ReplayResult | None, error: BaseException | None, name: str) -> None:
        from ..charts import chart_html, level_interval_chart

        try:
            if error is not None:
                self.result = None
                self.out.value, self.chart.value = fragment("ui/common.html.j2", "error", _one_line(error)), ""
                self.status.value = fragment(LAB, "live_status", f"The replay of {name} stopped: see the message below.",
                                             tone="error")
                return
            assert result is not None
            self.result = result
            h = result.history
            summary = (f"{name}: {h['rows']:,} rows in {h['periods']} periods of {h['period']!r}, label delay "
                       f"{h['label_delay']}; launch model and thresholds from periods 0-{h['train_periods'] - 1}, "
                       f"periods {h['first_replayed_period']}-{h['periods'] - 1} replayed. Model: {result.model}.")
            self.out.value = fragment(LAB, "replay_result", replay_headline(result), summary,
                                      trusted(replay_table_html(result)))
            kpi = result.headline
            unit = f"{result.value.unit} over the replayed periods" if kpi == "value" else "errors over the replayed periods"
            self.chart.value = chart_html(level_interval_chart(
                result.kpis, kpi=kpi, unit=unit, title=f"{kpi} per level, replay of {name}",
                interval_note="90% moving-block bootstrap interval"))
            self.status.value = fragment(LAB, "live_status", f"Replayed {name}: {len(result.levels)} levels over "
                                         f"{h['replayed_periods']} periods.", tone="ok")
        finally:
            self._busy(False)

    def _busy(self, busy: bool) -> None:
        self.button.disabled = busy or self.source is None
        self.sample_button.disabled = self.upload.disabled = busy

    def _show_rows(self) -> None:
        self.rows.layout.display = "" if self.period.value == "rows" else "none"

    def _guarded(self, func: Any) -> Any:
        """A callback whose errors show as one line in the panel (a widget callback's error vanishes otherwise)."""
        def wrapper(*args: Any) -> Any:
            try:
                return func(*args)
            except Exception as exc:  # noqa: BLE001 - the page must keep working
                self.out.value, self.chart.value = fragment("ui/common.html.j2", "error", _one_line(exc)), ""
                self.status.value = ""
                self._busy(False)
            return None

        return wrapper


def _named(exc: WorkbookError, name: str) -> DataError:
    """The same error, naming the file as the user knows it (an upload is replayed from a copy)."""
    return DataError(exc.reason, source=name, field=exc.field)


def _one_line(error: BaseException) -> str:
    if isinstance(error, WorkbookError):
        return str(error)
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")
