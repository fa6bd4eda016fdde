"""Numbers as the pages say them, formatted once: money, intervals, "never", weeks, percentages.

"never" (a drift that no alert caught) was spelled in four places, money with and without its
currency; a KPI reads the same in the lab, the report, the index and the CLI when it comes from here.
"""

from __future__ import annotations

import math


def is_missing(value: object) -> bool:
    """None or NaN: a KPI that has no value (weeks to detect a drift nobody noticed)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float, currency: str | None = None) -> str:
    """Whole units with thousands separators, the currency in front when given: "EUR 12,345"."""
    text = f"{value:,.0f}"
    return f"{currency} {text}" if currency else text


def interval(low: float, high: float, fmt: str = "{:,.0f}") -> str:
    """A 90% interval, of money unless `fmt` says otherwise: "1,200 to 3,400"."""
    return f"{fmt.format(low)} to {fmt.format(high)}"


def weeks(value: float, *, digits: int = 0) -> str:
    """A number of weeks with its unit, singular for one: "52 weeks", "1 week", "2.5 weeks"."""
    number = f"{value:.{digits}f}"
    return f"{number} week" if float(number) == 1 else f"{number} weeks"


def never_or(value: float | None, fmt: str = "{:.1f}") -> str:
    """`fmt` applied to the value, or "never" when there is none (a drift that was never detected)."""
    return "never" if is_missing(value) else fmt.format(value)


def detection(value: float | None, *, digits: int = 0) -> str:
    """Time to detect a drift: "3 weeks", or "never"."""
    return "never" if is_missing(value) else weeks(float(value), digits=digits)  # type: ignore[arg-type]


def percent(value: float, *, digits: int = 0) -> str:
    """A share as a percentage: 0.125 -> "12%" (digits=0) or "12.5%"."""
    return f"{value:.{digits}%}"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """"1 team", "3 teams": a count with its noun."""
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"
