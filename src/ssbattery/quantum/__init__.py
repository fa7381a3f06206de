"""ssbattery.quantum (see the package README for the layout)."""
