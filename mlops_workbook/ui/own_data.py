"""The lab's "use my data": upload a reference and a current file, see Evidently's choice of test per feature."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..drift.table import DriftReport, drift_table
from ..errors import DataError
from ..html import fragment, trusted
from ..table_files import ACCEPT, read_table_bytes
from ._common import reporting, show
from .tables import frame_html
from .upload import uploaded_files


class OwnDataPanel(widgets.VBox):
    """Two uploads and a button in; the drift verdict, a table and a chart out (errors as one line)."""

    def __init__(self, **kwargs):  # noqa: ANN003
        super().__init__(**kwargs)
        self.reference = widgets.FileUpload(accept=ACCEPT, multiple=False, description="Reference")
        self.current = widgets.FileUpload(accept=ACCEPT, multiple=False, description="Current")
        self.compare_button = widgets.Button(description="Compare my data", icon="search")
        self.out = widgets.HTML()
        self.chart = widgets.Output()
        self.report: DriftReport | None = None
        self.compare_button.on_click(reporting(self.out)(self.compare))
        self.children = [
            widgets.HTML(fragment("ui/lab.html.j2", "own_data_intro")),
            widgets.HBox([self.reference, self.current, self.compare_button]), self.out, self.chart,
        ]

    def compare(self, button: widgets.Button | None = None) -> None:
        """Compare the two uploaded files column by column and draw the drift chart and table."""
        self.chart.clear_output()
        reference = read_upload(self.reference, "reference")
        current = read_upload(self.current, "current")
        report = drift_table(reference, current, names=(reference.attrs["name"], current.attrs["name"]))
        self.report = report
        frame = report.to_frame()
        verdict = "drift" if report.dataset_drift else "no drift"
        from ..charts import enable_offline_rendering, feature_drift_chart

        enable_offline_rendering()
        self.out.value = fragment("ui/lab.html.j2", "dataset", verdict, report.share_drifted, len(report.features),
                                  trusted(frame_html(frame)))
        show(self.chart, feature_drift_chart(frame))


def read_upload(upload: widgets.FileUpload, side: str) -> pd.DataFrame:
    """The uploaded CSV or Parquet file of one side as a frame named after the file; none chosen is a DataError."""
    files = uploaded_files(upload.value)
    if not files:
        raise DataError(f"choose a {side} file first", field=side)
    name, data = files[0]
    frame = read_table_bytes(name, data)
    frame.attrs["name"] = name
    return frame
