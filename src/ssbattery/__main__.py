"""``python -m ssbattery``: the same entry point as the ``ssbattery`` command.

The program is named ``ssbattery`` in help and completion scripts, as pip does for
``python -m pip``.
"""

from ssbattery.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main(prog_name="ssbattery")
