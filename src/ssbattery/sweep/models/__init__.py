"""The built-in model entries (importing this package registers them)."""

from ssbattery.sweep.models import cell, open_dicke, quantum, thermal

__all__ = ["cell", "open_dicke", "quantum", "thermal"]
