"""Plain JSON values from the package's results: the one converter the CLI's ``--json``
output uses before :func:`json.dumps`."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays/scalars, dataclasses, paths and complex numbers for ``json``.

    Dataclasses become dicts of their fields, tuples and arrays lists, a complex number
    ``{"re": …, "im": …}``, a path its text; NaN and ±inf become ``None`` (JSON has no
    non-finite numbers), so the result always passes ``json.dumps(..., allow_nan=False)``.

    Example:
        >>> import numpy as np
        >>> to_jsonable({"a": np.arange(2), "b": float("nan"), "c": 1j})
        {'a': [0, 1], 'b': None, 'c': {'re': 0.0, 'im': 1.0}}
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, complex):
        return {"re": obj.real, "im": obj.imag}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj
