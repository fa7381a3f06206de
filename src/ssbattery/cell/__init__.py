"""ssbattery.cell (see the package README for the layout)."""
