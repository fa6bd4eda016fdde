"""Level names and colours, defined once: every badge, table cell, chart scale and CSS class reads them here.

The colours were written out four times before (charts, report CSS, index CSS, the widget's bars) and
one copy had a different level 2; the level names came in two spellings. A rubric's own level names
win wherever a rubric is at hand (`level_label(level, rubric)`); the short names here are for the
places that have no rubric (the simulation lab's levels, chart legends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LevelStyle:
    """How one maturity level looks: its short name (no rubric at hand) and its colour."""

    level: int
    short_name: str
    colour: str


LEVELS: tuple[LevelStyle, ...] = (
    LevelStyle(0, "L0 manual", "#b0413e"),
    LevelStyle(1, "L1 scripted", "#e07b39"),
    LevelStyle(2, "L2 automated", "#c9a227"),
    LevelStyle(3, "L3 monitored", "#6a994e"),
    LevelStyle(4, "L4 optimized", "#2a6f97"),
)
LEVEL_COLOURS: tuple[str, ...] = tuple(s.colour for s in LEVELS)
LEVEL_SHORT_NAMES: dict[int, str] = {s.level: s.short_name for s in LEVELS}

# Tones of status text (saved, failed, a note): named once so a message's colour says what it is.
TONES: dict[str, str] = {
    "ok": "#2d6a4f",
    "error": "#b0413e",
    "muted": "#5c6b7a",
    "partial": "#b7791f",
    "warn": "#e07b39",
    "ink": "#1d2733",
}


class _Named(Protocol):
    name: str


class _HasLevels(Protocol):
    """A rubric, as far as naming a level goes (style is below the assessment layer: no import of it)."""

    def level(self, level: int) -> _Named: ...


def level_colour(level: int) -> str:
    """The colour of `level`, clamped to 0-4 (a level outside the scale still gets the nearest colour)."""
    return LEVEL_COLOURS[max(0, min(len(LEVEL_COLOURS) - 1, int(level)))]


def level_name(level: int, rubric: _HasLevels | None = None) -> str:
    """The rubric's name for `level` when a rubric is given, else the short name ("L3 monitored")."""
    if rubric is not None:
        return str(rubric.level(int(level)).name)
    return LEVEL_SHORT_NAMES[int(level)]


def level_label(level: int, rubric: _HasLevels | None = None) -> str:
    """The one way a level is written in text and on badges: "Level 3 (Mature MLOps)" with the rubric's
    name when a rubric is at hand, else "Level 3" (there is no second name to fall back on)."""
    if rubric is None:
        return f"Level {int(level)}"
    return f"Level {int(level)} ({level_name(level, rubric)})"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21; body text needs 4.5)."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or the ink tone, whichever reads better on `background`: white on the orange, yellow and
    green levels fell below WCAG's 4.5:1 (axe-core's "serious" colour-contrast finding in the report)."""
    return max(("#ffffff", TONES["ink"]), key=lambda fg: contrast(fg, background))


def level_css(prefix: str) -> str:
    """CSS classes `.{prefix}0` ... `.{prefix}4` with each level's background and a text colour that reads on it."""
    return " ".join(f".{prefix}{s.level} {{ background: {s.colour}; color: {text_on(s.colour)}; }}" for s in LEVELS)
