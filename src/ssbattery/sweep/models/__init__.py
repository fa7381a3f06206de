"""The built-in model entries (importing this package registers them)."""

from ssbattery.sweep.models import cell, quantum, thermal

__all__ = ["cell", "quantum", "thermal"]
