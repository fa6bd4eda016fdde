"""What each outcome of a yes/no prediction is worth to the team, read from a small YAML or JSON file.

A replay prices every row the served model decided: a true or false positive or negative, each worth a
fixed amount, an amount per unit of a column (a loan's size, an order's value), or both:

```yaml
currency: EUR            # optional: the unit the values are in
amount: loan_amount      # optional: the column the per-amount values multiply
true_positive: 0
false_positive: {per_amount: -0.08}   # a good applicant turned down: the margin lost
false_negative: {fixed: -150, per_amount: -0.6}
true_negative: 0.08      # fixed, when given as a number
```

Values are money earned (negative: lost). The model says "positive" for a row when that has the
higher expected value at the row's score (with the default, a count of errors, that is a score of at
least 0.5). Without a file, every error is worth -1 and the unit is "errors".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import DataError

OUTCOMES = ("true_positive", "false_positive", "false_negative", "true_negative")
_KEYS = {"currency", "amount", *OUTCOMES}


@dataclass(frozen=True)
class Worth:
    """One outcome's value: `fixed + per_amount * amount`."""

    fixed: float = 0.0
    per_amount: float = 0.0

    def of(self, amount: np.ndarray | None) -> np.ndarray | float:
        """Per row (with an amount column) or one number."""
        return self.fixed if amount is None or self.per_amount == 0 else self.fixed + self.per_amount * amount


@dataclass(frozen=True)
class OutcomeValue:
    """The worth of each outcome, the column that scales them and the unit they are counted in."""

    true_positive: Worth = Worth()
    false_positive: Worth = Worth(-1.0)
    false_negative: Worth = Worth(-1.0)
    true_negative: Worth = Worth()
    amount: str | None = None
    unit: str = "errors"
    source: str = "a count of errors (the default)"

    @property
    def counts_errors(self) -> bool:
        """The default: the value is minus the number of errors, so it is not reported twice."""
        return self.unit == "errors"

    def decide(self, scores: np.ndarray, amount: np.ndarray | None) -> np.ndarray:
        """Where saying 'positive' has the higher expected value at the row's score."""
        tp, fp, fn, tn = (getattr(self, o).of(amount) for o in OUTCOMES)
        return scores * tp + (1 - scores) * fp >= scores * fn + (1 - scores) * tn

    def rows(self, positive: np.ndarray, y: np.ndarray, amount: np.ndarray | None) -> np.ndarray:
        """What each row's outcome was worth."""
        tp, fp, fn, tn = (np.broadcast_to(getattr(self, o).of(amount), y.shape) for o in OUTCOMES)
        truth = y.astype(bool)
        return np.where(positive, np.where(truth, tp, fp), np.where(truth, fn, tn)).astype(float)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (`replay --json`)."""
        return {"unit": self.unit, "amount": self.amount, "source": self.source,
                **{o: {"fixed": getattr(self, o).fixed, "per_amount": getattr(self, o).per_amount} for o in OUTCOMES}}


def load_value(path: str | Path | None, *, columns: Any = ()) -> OutcomeValue:
    """The outcome values of a YAML or JSON file (None: count errors); `columns` are the history's features,
    so an `amount` naming no column is an error naming the field."""
    if path is None:
        return OutcomeValue()
    source = Path(path)
    if not source.is_file():
        raise DataError("no such file", source=source)
    text = source.read_text(encoding="utf-8")
    try:
        if source.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure is one line naming the file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot be read: {first}", source=source) from None
    if not isinstance(data, dict):
        raise DataError("expected a mapping of outcomes to values", source=source)
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise DataError(f"unknown key (expected {', '.join(sorted(_KEYS))})", source=source, field=unknown[0])
    amount = data.get("amount")
    if amount is not None and (not isinstance(amount, str) or amount not in set(columns)):
        raise DataError(f"no feature column {amount!r}", source=source, field="amount")
    worths = {o: _worth(data.get(o, 0), source, o) for o in OUTCOMES}
    if amount is None and any(w.per_amount for w in worths.values()):
        field = next(o for o, w in worths.items() if w.per_amount)
        raise DataError("per_amount needs an 'amount' column", source=source, field=field)
    if all(w == Worth() for w in worths.values()):
        raise DataError("every outcome is worth 0: nothing to compare", source=source)
    currency = data.get("currency", "value")
    if not isinstance(currency, str) or not currency.strip():
        raise DataError("expected a currency name", source=source, field="currency")
    return OutcomeValue(**worths, amount=amount, unit=currency.strip(), source=str(source))


def _worth(raw: Any, source: Path, field: str) -> Worth:
    if _number(raw):
        return Worth(float(raw))
    if isinstance(raw, dict) and raw and set(raw) <= {"fixed", "per_amount"} and all(map(_number, raw.values())):
        return Worth(float(raw.get("fixed", 0.0)), float(raw.get("per_amount", 0.0)))
    raise DataError(f"expected a number or {{fixed: N, per_amount: N}}, got {raw!r}", source=source, field=field)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and bool(np.isfinite(value))
