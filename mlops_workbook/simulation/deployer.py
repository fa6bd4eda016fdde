"""The serving side of one level: which model serves, the one it replaced, and the decision registry."""

from __future__ import annotations

from ..gating import Decision, ModelRegistry
from .stream import Trained


def span(trained: Trained) -> tuple[int, int]:
    """The registry's [first, last + 1) span of the weeks a model saw."""
    return trained.key[0], trained.key[-1] + 1


class Deployer:
    """Champion, predecessor and what the champion scored on its evaluation week (what monitoring expects)."""

    def __init__(self, initial: Trained, expected: dict[str, float]):
        self.champion, self.expected = initial, expected
        self.previous: tuple[Trained, dict[str, float]] | None = None
        self.promoted_week = -1
        self.versions = {"v0": initial}
        self.version_of = {initial.key: "v0"}
        self.registry = ModelRegistry()
        self.registry.add(Decision(-1, "v0", span(initial), expected, (), "promoted", "first model"))

    @property
    def serving(self) -> str:
        """Version name of the model serving now."""
        return self.version_of[self.champion.key]

    def name(self, trained: Trained) -> str:
        """The version name of a trained model, given on first sight (v0, v1, ...), so a retrain of the same weeks
        keeps its name."""
        if trained.key not in self.version_of:
            version = f"v{len(self.versions)}"
            self.version_of[trained.key], self.versions[version] = version, trained
        return self.version_of[trained.key]

    def promote(self, week: int, trained: Trained, expected: dict[str, float]) -> tuple[str, str]:
        """Make `trained` the champion (keeping the previous one for a rollback); returns (new, old) version names."""
        old = self.serving
        self.previous = (self.champion, self.expected)
        self.champion, self.expected, self.promoted_week = trained, expected, week
        return self.name(trained), old

    def roll_back(self, week: int) -> tuple[str, str]:
        """Serve the predecessor again; returns (restored, withdrawn)."""
        assert self.previous is not None
        withdrawn = self.serving
        self.champion, self.expected = self.previous
        self.previous, self.promoted_week = None, week
        return self.serving, withdrawn
