"""Write the gallery page: every figure of ``ssbattery reproduce``, in the report's order,
each with its review reference, its image (when a report has been built), the command
that rebuilds it, and links to its tutorial and to the API that computes it."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["SECTION_LINKS", "write_gallery"]

#: Report section module → (tutorial document, API modules): where to learn a figure's
#: physics and which functions compute it.
SECTION_LINKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "electrolytes_data": (
        "tutorials/electrolytes",
        ("ssbattery.electrolytes.dataset", "ssbattery.electrolytes.obelix"),
    ),
    "electrolytes": (
        "tutorials/electrolytes",
        ("ssbattery.electrolytes.screening", "ssbattery.electrolytes.cost"),
    ),
    "_electrolyte_figures": (
        "tutorials/electrolytes",
        ("ssbattery.electrolytes.dataset", "ssbattery.plotting.electrolytes"),
    ),
    "impedance": ("tutorials/impedance", ("ssbattery.electrolytes.impedance",)),
    "cell": ("tutorials/cell", ("ssbattery.cell",)),
    "dicke": ("tutorials/dicke", ("ssbattery.quantum.dicke",)),
    "regime": ("tutorials/sweeps", ("ssbattery.sweep.regime", "ssbattery.quantum.dicke")),
    "spin_chain": ("tutorials/spin_chain", ("ssbattery.quantum.spin_chain",)),
    "spin_chain_scaling": (
        "tutorials/spin_chain",
        ("ssbattery.quantum.anisotropy_scaling", "ssbattery.quantum.mps"),
    ),
    "thermal": ("tutorials/thermal", ("ssbattery.thermal",)),
    "feedback": ("tutorials/thermal", ("ssbattery.thermal.feedback",)),
}


def write_gallery(out_dir: Path, report_dir: Path | None) -> int:
    """Write ``out_dir/index.md``; copy images found in ``report_dir``; return their count."""
    from ssbattery.report.catalog import all_figures

    out_dir.mkdir(parents=True, exist_ok=True)
    images = out_dir / "images"
    images.mkdir(exist_ok=True)
    lines = [
        "# Gallery",
        "",
        "Every figure and table of `ssbattery reproduce`, in the report's order. Each links",
        "to the tutorial that explains it and to the API that computes it. Rebuild one with",
        "`ssbattery reproduce --only KEY`.",
        "",
    ]
    shown = 0
    for spec in all_figures():
        section = spec.build.__module__.rsplit(".", 1)[-1]
        tutorial, api = SECTION_LINKS.get(section, ("tutorials/index", ()))
        lines += [f"({spec.key})=", f"## {spec.title}", ""]
        lines += [f"{spec.review_ref} · key `{spec.key}`", ""]
        png = report_dir / f"{spec.key}.png" if report_dir is not None else None
        if png is not None and png.is_file():
            shutil.copy2(png, images / png.name)
            lines += [f"```{{image}} images/{png.name}", f":alt: {spec.title}", "```", ""]
            shown += 1
        else:
            lines += ["*(image not built: run `ssbattery reproduce` before the docs)*", ""]
        links = [f"[tutorial](/{tutorial})"]
        links += [f"{{py:mod}}`{m}`" for m in api]
        if "._" not in spec.build.__module__:
            links.append(f"{{py:mod}}`builder <{spec.build.__module__}>`")
        lines += ["Learn more: " + " · ".join(links), ""]
    (out_dir / "index.md").write_text("\n".join(lines), encoding="utf-8")
    return shown
