"""Plotting: one function per figure, `ax=None` in, the axes out; matplotlib imported inside."""

__all__: list[str] = []
