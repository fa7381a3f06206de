"""Where does the N^{3/2} advantage of the open Dicke battery die? The wide noise scans.

Not a timing: the data behind ``benchmarks/RESULTS_open_dicke.md``'s section "Where does
the N^{3/2} advantage die?", a wider version of the report figure ``fig_open_dicke_noise``
(more N, rates to 1000 ωc). For each scan (local dephasing γ_φ over a background κ = 0.02,
γ↓ = 0.01; cavity loss κ over γ↓ = 0.01), ``noise_scan`` (g = 0.2, grid to π/(g√N),
refined to ≥ 4κ t_max points; the photon cutoff grown from 2N until the top Fock level's
population stays ≤ ``--top-population``, default 1e-5), then ``advantage_loss`` (α <
1.25, collective / parallel < 1, P_max at half its noiseless value) and
``half_power_rates``; for the
dephasing scan also the incoherent (Zeno) limit ``incoherent_power`` at every rate.
Writes a JSON of everything (``--out``) and prints the tables in Markdown.

Run: ``.venv/bin/python benchmarks/scan_open_dicke_noise.py [--atoms 1,2,3,4,6]
[--dephasing ...] [--kappa ...] [--out benchmarks/RESULTS_open_dicke_scan.json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from pathlib import Path

import numpy as np

from ssbattery.quantum.dicke_scaling import fit_power_law
from ssbattery.quantum.open import Dissipation
from ssbattery.quantum.open.scan import (
    advantage_loss,
    half_power_rates,
    incoherent_power,
    noise_scan,
)

G = 0.2
BASES = {"dephasing": {"cavity_loss": 0.02, "decay": 0.01}, "cavity_loss": {"decay": 0.01}}


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def _table(name: str, scan, loss, extra: dict[str, list[str]]) -> str:
    ns = [int(n) for n in scan.n_atoms]
    head = [
        "rate",
        "α (fit)",
        *[f"α({a}→{b})" for a, b in itertools.pairwise(ns)],
        f"ratio N={ns[-1]}",
    ]
    head += [f"rate·P_max N={n}" for n in (ns[0], ns[-1])] + list(extra)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i, v in enumerate(scan.values):
        row = [f"{v:g}", f"{scan.alpha[i]:.3f}"]
        row += [f"{a:.3f}" for a in scan.alpha_local[i]]
        row.append(f"{scan.ratio[i, -1]:.3f}")
        row += [f"{v * scan.power_max[i, j]:.4g}" if v > 0 else "—" for j in (0, -1)]
        row += [col[i] for col in extra.values()]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(f"{name}: {loss.describe()}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--atoms", default="1,2,3,4,6")
    ap.add_argument("--dephasing", default="0,0.01,0.1,0.3,1,3,10,30,100,300,1000")
    ap.add_argument("--kappa", default="0,0.01,0.1,0.3,1,3,10,30,100,300")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument(
        "--top-population",
        type=float,
        default=1e-5,
        help="cutoff by error control (0: the bare 2N cutoff)",
    )
    ap.add_argument("--out", default="benchmarks/RESULTS_open_dicke_scan.json")
    a = ap.parse_args()
    ns = [int(x) for x in a.atoms.split(",")]
    out: dict = {"coupling": G, "n_atoms": ns, "bases": BASES, "steps": a.steps}
    for name, values in (("dephasing", _floats(a.dephasing)), ("cavity_loss", _floats(a.kappa))):
        t0 = time.process_time()
        scan = noise_scan(
            ns,
            G,
            name,
            values,
            base=Dissipation(**BASES[name]),
            steps=a.steps,
            top_population=a.top_population or None,
        )
        cpu = time.process_time() - t0
        loss = advantage_loss(scan)
        half = half_power_rates(scan)
        extra: dict[str, list[str]] = {}
        rec = {"scan": scan.to_dict(), "advantage_loss": loss.to_dict(), "cpu_s": cpu}
        rec["half_power_rates"] = [None if not np.isfinite(x) else float(x) for x in half]
        if name == "dephasing":
            zeno = np.array(
                [
                    [incoherent_power(n, G, Dissipation(**BASES[name], dephasing=v)) for n in ns]
                    if v > 0
                    else [np.nan] * len(ns)
                    for v in values
                ]
            )
            dev = scan.power_max / zeno - 1.0
            za = [fit_power_law(np.array(ns, float), z).exponent if v > 0 else np.nan
                  for v, z in zip(values, zeno, strict=True)]  # fmt: skip
            zr = zeno[:, -1] / (ns[-1] * zeno[:, 0])
            extra["P_max/P_inc − 1, N=" + str(ns[-1])] = [f"{x:.3g}" for x in dev[:, -1]]
            extra["α of P_inc"] = [f"{x:.3f}" for x in za]
            extra["P_inc ratio"] = [f"{x:.3f}" for x in zr]
            rec["zeno"] = {"P_inc": zeno.tolist(), "alpha_inc": za, "ratio_inc": zr.tolist()}
        print(f"## {name} (base {BASES[name]}, N = {ns}, CPU {cpu:.0f} s, "
              f"load {os.getloadavg()[0]:.1f}, top population ≤ {a.top_population:g}, "
              f"largest {scan.parameters['max_top_level_population']:.2g}, cutoffs "
              f"{scan.parameters['photon_cutoffs']})\n")  # fmt: skip
        print(_table(name, scan, loss, extra))
        print(
            "half-power rates per N:",
            ", ".join(f"{n}: {h:.4g}" for n, h in zip(ns, half, strict=True)),
        )
        print(flush=True)
        out[name] = rec
    Path(a.out).write_text(json.dumps(out, indent=1, default=lambda x: None))


if __name__ == "__main__":
    main()
