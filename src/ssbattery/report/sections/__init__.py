"""Report sections: one module per part of the package, each exposing ``FIGURES``."""

__all__: list[str] = []
