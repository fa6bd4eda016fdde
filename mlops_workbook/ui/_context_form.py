"""The assessment page's context form: what the team runs (models, retraining, stale-model cost, data change,
team size), each field unset until somebody sets it, told to the page through one callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..assessment.answers import DATA_CHANGE, RETRAINING_FREQUENCIES, STALE_MODEL_COSTS, Context
from ..errors import WorkbookError
from ..html import fragment
from ._common import ASSESSMENT, FORM_STYLE, reporting

NOT_GIVEN = "(not given)"


class ContextForm(widgets.VBox):
    """What the team runs. Every field starts unset and stays unset until somebody sets it."""

    def __init__(self, on_change: Callable[[str, Any], None], messages: widgets.HTML) -> None:
        def whole(description: str) -> widgets.Text:
            return widgets.Text(description=description, placeholder=NOT_GIVEN, continuous_update=False,
                                style=FORM_STYLE, layout={"width": "260px"})

        def choice(description: str, options: tuple[str, ...]) -> widgets.Dropdown:
            return widgets.Dropdown(description=description, options=[NOT_GIVEN, *options], style=FORM_STYLE)

        self.controls: dict[str, widgets.Widget] = {
            "models_in_production": whole("Models in prod."),
            "retraining_frequency": choice("Retraining", RETRAINING_FREQUENCIES),
            "stale_model_cost": choice("Stale model cost", STALE_MODEL_COSTS),
            "data_change": choice("Data changes", DATA_CHANGE),
            "team_size": whole("Team size"),
        }
        c = self.controls
        super().__init__([
            widgets.HTML(fragment(ASSESSMENT, "context_intro")),
            widgets.HBox([c["models_in_production"], c["retraining_frequency"]]),
            widgets.HBox([c["stale_model_cost"], c["data_change"]]),
            c["team_size"],
        ])
        self._quiet = False
        for name, control in c.items():
            handler = reporting(messages)(lambda change, name=name: self._changed(name, change["new"], on_change))
            control.observe(handler, names="value")

    def set_enabled(self, enabled: bool) -> None:
        """Take input (True) or refuse it, greyed out (False: the team name in the box cannot be used)."""
        for control in self.controls.values():
            control.disabled = not enabled

    def _changed(self, name: str, raw: Any, on_change: Callable[[str, Any], None]) -> None:
        if self._quiet:
            return
        value: Any = raw
        if isinstance(self.controls[name], widgets.Text):
            text = str(raw).strip()
            if text and (not text.isdigit() or len(text) > 6):
                raise WorkbookError(f"expected a whole number >= 0, got {text!r}", field=f"context.{name}")
            value = int(text) if text else None
        elif raw == NOT_GIVEN:
            value = None
        on_change(name, value)

    def show(self, context: Context) -> None:
        """Show a context (resumed or merged) without reporting it back as a change."""
        self._quiet = True
        try:
            for name, control in self.controls.items():
                value = getattr(context, name)
                if isinstance(control, widgets.Text):
                    control.value = "" if value is None else str(value)
                else:
                    control.value = value or NOT_GIVEN
        finally:
            self._quiet = False
