"""One base exception; messages name the file and the field so a user can fix the input."""

from __future__ import annotations

from pathlib import Path


class WorkbookError(Exception):
    """Base of every error the package raises on purpose (the CLI prints it in one line, exit 2)."""

    def __init__(self, message: str, *, source: str | Path | None = None, field: str | None = None):
        self.source = str(source) if source is not None else None
        self.field = field
        self.reason = message
        prefix = ": ".join(p for p in (self.source, field) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class RubricError(WorkbookError):
    """A rubric file is missing, unreadable or does not follow the rubric format."""


class AnswersError(WorkbookError):
    """An answers file is unreadable or does not match its rubric."""


class DataError(WorkbookError):
    """A data file or DataFrame cannot be used (missing columns, wrong types, unreadable)."""


class ReportError(WorkbookError):
    """A report could not be produced."""
