"""Project exceptions and warnings.

Every error raised on bad input names the file and, where there is one, the row and
column. The command line turns these into one-line messages and exit codes; nothing
else should escape a loader.
"""
from __future__ import annotations

from dataclasses import dataclass


class AnalysisError(Exception):
    """Base class of every exception the toolkit raises on purpose."""


@dataclass
class InputError(AnalysisError):
    """A file cannot be used at all (unreadable, wrong format, required column missing).

    Parameters
    ----------
    file : str
        Path or name of the offending file.
    message : str
        What is wrong, in one sentence.
    row, column : optional
        Position of the problem where one exists (1-based source row as the user sees it).
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class SchemaError(AnalysisError):
    """A frame produced by the toolkit failed its pandera schema (a bug, not bad input)."""


class ChecksumError(AnalysisError):
    """A downloaded or mirrored raw file does not have the sha256 the manifest records."""


class ModelError(AnalysisError, ValueError):
    """A model was called on data or options it cannot handle (missing values, too short, collinear)."""


class AnalysisWarning(UserWarning):
    """Warning that says how many rows or values were changed and why."""


@dataclass
class ProcessedDataError(AnalysisError):
    """A processed file exists but cannot be trusted: empty, cut short, edited or off its schema.

    Deliberately not an :class:`InputError`: code that treats a missing optional
    processed file as "absent" (``except InputError``) must not treat a damaged one the
    same way, or a damaged file would silently shorten a report.

    Parameters
    ----------
    file : str
        Path of the processed file.
    message : str
        What is wrong, in one sentence.
    """

    file: str
    message: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


class ProcessedFileMissing(InputError):
    """A processed file is not there (the folder was never built, or the file is optional)."""
