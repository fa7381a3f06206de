"""``ssbattery reproduce``: the review's computable figures and tables as files + one HTML page.

Each part of the package contributes :class:`FigureSpec` entries in a module of
:mod:`ssbattery.report.sections`; :func:`reproduce` builds them all, with progress, and
writes ``index.html``.
"""

from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv
from ssbattery.report.runner import ReportResult, reproduce

__all__ = ["Artifact", "FigureSpec", "ReportResult", "reproduce", "save_figure", "write_csv"]
