"""Test-wide settings: Hypothesis runs derandomized so every run (and CI) draws the same
examples; set HYPOTHESIS_PROFILE=explore to search with fresh random examples."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
