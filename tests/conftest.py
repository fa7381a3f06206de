"""Test-wide settings: Hypothesis runs derandomized so every run (and CI) draws the same
examples; set HYPOTHESIS_PROFILE=explore to search with fresh random examples. Where a test
goes (test paths mirror src/ssbattery) and the cross-cutting files: tests/README.md."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class _Hang(BaseException):
    """Raised by the alarm; a BaseException, so no `except Exception` in the code swallows it."""


@contextmanager
def _time_limit(seconds: int, what: str) -> Iterator[None]:
    def raise_hang(*_: object) -> None:
        raise _Hang

    old = signal.signal(signal.SIGALRM, raise_hang)
    signal.alarm(seconds)
    try:
        yield
    except _Hang:
        pytest.fail(f"{what} did not finish within {seconds} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def time_limit() -> Callable[[int, str], AbstractContextManager[None]]:
    """``with time_limit(seconds, what): ...`` fails the test when the block hangs (SIGALRM)."""
    return _time_limit
