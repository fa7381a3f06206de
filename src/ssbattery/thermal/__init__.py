"""ssbattery.thermal (see the package README for the layout)."""
