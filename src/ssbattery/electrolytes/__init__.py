"""ssbattery.electrolytes (see the package README for the layout)."""
