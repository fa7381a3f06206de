"""The package's exception types.

Every public function validates its arguments at the boundary and raises one of these,
with the argument's name, what was wrong and how to fix it. The CLI turns them into one
line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "API_ONLY_PREFIX",
    "ConvergenceWarning",
    "CostWarning",
    "DataFormatError",
    "FileBusyError",
    "FitFailedError",
    "InvalidParameterError",
    "OutputPathError",
    "PointRefused",
    "ResourceLimitError",
    "RunPaused",
    "SsbatteryError",
    "ValidityWarning",
    "api_only",
    "shorten",
]


def shorten(text: str, keep: int = 60) -> str:
    """``text`` itself, or its first and last ``keep``/2 characters around an ellipsis and
    its length: user text quoted in a message keeps the message one readable line."""
    if len(text) <= keep:
        return text
    return f"{text[: keep // 2]}…{text[-keep // 2 :]} ({len(text)} characters)"


def api_only(advice: str) -> str:
    """Mark ``advice`` that only a Python caller can follow (a keyword argument, e.g.
    "pass `check_unique=False`"): the command line drops it from the message it prints,
    which then names only what the user can type."""
    return f" [Python API: {advice}]"


#: The marker :func:`api_only` writes (the CLI removes ``[Python API: …]`` parts).
API_ONLY_PREFIX = "[Python API: "


class SsbatteryError(ValueError):
    """Base class of every error ssbattery raises on bad input."""


class InvalidParameterError(SsbatteryError):
    """An argument has the wrong value, shape, type or physical meaning."""


class OutputPathError(InvalidParameterError):
    """An output path cannot be written: wrong extension, missing folder, a folder itself."""


class PointRefused(InvalidParameterError):
    """A point of a sweep spec that its model refuses; ``model_error`` is the model's own
    error (what a library scan built on the engine re-raises: :func:`ssbattery.sweep.scan.scan`)."""

    #: The model's own error for the point (None when the refusal has no inner error).
    model_error: InvalidParameterError | None = None


class FitFailedError(SsbatteryError):
    """A fit did not describe the data (residual far above the noise floor): no result."""


class FileBusyError(SsbatteryError):
    """A file is locked by another run (e.g. two runs resuming one checkpoint)."""


class RunPaused(SsbatteryError):
    """A resumable run stopped after its time budget (``stop_after_s``) with its progress
    in its checkpoint: call again with the same checkpoint to go on."""


class ResourceLimitError(SsbatteryError):
    """A requested computation would not fit in memory (refused before allocating)."""


class DataFormatError(SsbatteryError):
    """A file or table could not be read: wrong format, missing columns, bad values."""


class CostWarning(UserWarning):
    """A run is predicted to take long (minutes or more): the estimate and how to shorten it."""


class ConvergenceWarning(UserWarning):
    """A numerical parameter (cutoff, step, tolerance) changes a reported number."""


class ValidityWarning(UserWarning):
    """A model is used outside the regime where its approximations hold."""
