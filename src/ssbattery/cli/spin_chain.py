"""``ssbattery spin-chain``: charge the XXZ spin-chain battery (review §2.3.8, eqs. 10–14).

The command is a module-level function over :mod:`ssbattery.quantum.spin_chain` and
:mod:`ssbattery.quantum.mps`; ``register`` only adds it to the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ssbattery.cli._common import (
    agg_pyplot,
    console,
    err_console,
    handle_errors,
    output_option,
    print_json,
    quantity_table,
    save_plot,
)
from ssbattery.cli._deprecated import old_option, renamed_option
from ssbattery.cli.audit import AUDIT_HELP, attach_audits, print_audits
from ssbattery.presets import FIG14_SPIN_CHAIN

if TYPE_CHECKING:
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.spin_chain import SpinChainParameters

__all__ = ["register", "spin_chain_command"]


def register(app: typer.Typer) -> None:
    """Add the ``spin-chain`` command."""
    app.command("spin-chain")(spin_chain_command)


#: The defaults are the cited Fig. 14 preset (α = 1 unless --anisotropy is given).
_FIG14 = FIG14_SPIN_CHAIN.params


_BOND_DIM = typer.Option(
    None, "--bond-dim", help="MPS bond dimension D (--method mps; default 64)."
)


@handle_errors(quantities=dict.fromkeys(("field", "charging", "coupling"), "model_energy"))
def spin_chain_command(
    n_sites: int = typer.Option(_FIG14.n_sites, "--n-sites", help="Number of spins N ≥ 1."),
    field: float = typer.Option(_FIG14.field, "--field", help="Zeeman field B > 0 (eq. 10)."),
    charging: float = typer.Option(
        _FIG14.charging, "--charging", help="Charging field ω (eq. 13)."
    ),
    coupling: float = typer.Option(_FIG14.coupling, "--coupling", help="Coupling g ≥ 0 (eq. 11)."),
    anisotropy: float = typer.Option(1.0, "--anisotropy", help="Anisotropy α in [−1, 1]."),
    interaction: str = typer.Option(
        "nn", "--range", help="nn (nearest neighbour) or lr (long range g/|i−j|^p)."
    ),
    decay: float = typer.Option(_FIG14.decay, "--decay", help="Long-range decay power p > 0."),
    periodic: bool = typer.Option(False, "--periodic", help="Periodic boundary conditions."),
    t_max: float = typer.Option(
        FIG14_SPIN_CHAIN.t_max, "--t-max", help="Last time t_max > 0 [ħ/a.u.]."
    ),
    steps: int = typer.Option(
        FIG14_SPIN_CHAIN.steps, "--steps", help="Number of times in (0, t_max]."
    ),
    method: str = typer.Option(
        "exact",
        "--method",
        help="exact (symmetry sector, N ≤ 30) or mps (TeNPy: TEBD for open nn, TDVP "
        "with an MPO otherwise).",
    ),
    bond_dim: int | None = _BOND_DIM,
    exponentials: int | None = typer.Option(
        None,
        "--exponentials",
        help="--method mps, lr: fit 1/d^p by this many exponentials (default: exact MPO).",
    ),
    operator: str = typer.Option(
        "auto",
        "--operator",
        help="--method exact, how H acts: auto (CSR if it fits, else the cheaper matrix-free "
        "one), csr, matrix-free (symmetry sectors) or streaming (the full 2^N space).",
    ),
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        help="Write the run here as it goes (atomically) and resume from it when the same "
        "command is run again; another run's file is refused, never overwritten. "
        "--method exact runs matrix-free with it.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save W(t) and P(t) here."),
    sites: int | None = old_option("--sites"),
    audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
) -> None:
    """Charge the chain from its ferromagnetic ground state: W(t), P(t), P_max, E_max."""
    from ssbattery.quantum.spin_chain import SpinChainParameters, independent_spins_power_max

    params = SpinChainParameters(
        n_sites=renamed_option(n_sites, sites, new="--n-sites", old="--sites"),
        field=field,
        charging=charging,
        coupling=coupling,
        anisotropy=anisotropy,
        interaction=interaction.lower(),  # type: ignore[arg-type]
        decay=decay,
        periodic=periodic,
    )
    kind, bond_dim = _check_method(method, operator, checkpoint, bond_dim, exponentials)
    with err_console.status(f"charging a {params.n_sites}-site chain ({kind})…", spinner="dots"):
        result = _charge(
            params, kind, t_max, steps, bond_dim, exponentials, operator.lower(), checkpoint
        )
    p_ind, _ = independent_spins_power_max(params)
    if plot is not None:
        _save_chain_plot(result, plot)
    out = result.to_dict()
    reports = attach_audits(out, audit_flag, [result], many=False)
    if as_json:
        out["independent_spins_power_max"] = p_ind
        out["power_ratio_to_independent"] = result.power_max / p_ind if p_ind else None
        print_json(out)
        return
    console.print(_table(params, result, p_ind, kind, bond_dim))
    print_audits(reports)


def _save_chain_plot(result: Any, plot: Path) -> None:
    from ssbattery.plotting.spin_chain import plot_chain_charging

    fig, ax = agg_pyplot().subplots(figsize=(5.5, 3.8))
    plot_chain_charging(result, ax=ax)
    save_plot(fig, plot)


def _check_method(
    method: str,
    operator: str,
    checkpoint: Path | None,
    bond_dim: int | None = None,
    exponentials: int | None = None,
) -> tuple[str, int]:
    """``--method`` lower-cased and the bond dimension (default 64), after refusing a bad
    ``--method``/``--operator`` pair, MPS options with ``--method exact`` or
    ``--checkpoint`` before anything is built (one ``error:`` line each)."""
    from ssbattery.errors import InvalidParameterError
    from ssbattery.quantum.chain_charging import check_operator

    kind = method.lower()
    if kind not in ("exact", "mps"):
        raise InvalidParameterError(f"`--method` must be 'exact' or 'mps', got {method!r}.")
    check_operator(operator.lower(), checkpoint)
    if kind == "mps" and operator.lower() != "auto":
        raise InvalidParameterError(
            f"`--operator` {operator!r} applies to `--method exact` only; leave it out "
            "with `--method mps`."
        )
    given = [
        flag
        for flag, value in (("--bond-dim", bond_dim), ("--exponentials", exponentials))
        if value is not None
    ]
    if kind == "exact" and given:
        raise InvalidParameterError(
            f"`{given[0]}` applies to `--method mps` only (the exact method keeps every "
            "state); add `--method mps` or leave it out."
        )
    return kind, 64 if bond_dim is None else bond_dim


def _charge(
    params: SpinChainParameters,
    kind: str,
    t_max: float,
    steps: int,
    bond_dim: int,
    exponentials: int | None,
    operator: str = "auto",
    checkpoint: Path | None = None,
) -> ChargingResult:
    """The exact run as the sweep entry solves it, or the MPS run (TEBD for an open
    nearest-neighbour chain, TDVP otherwise); both resume from ``checkpoint``."""
    if kind == "exact":
        from ssbattery.sweep.models.quantum import SPIN_CHAIN, SpinChainRun

        path = None if checkpoint is None else str(checkpoint)
        return SPIN_CHAIN.solve(SpinChainRun(params, t_max, steps, operator, path))
    from ssbattery.quantum.mps import TDVP, TEBD, MPSMethod, charge_spin_chain_mps

    nearest = params.interaction == "nn" and not params.periodic
    chosen: MPSMethod = (
        TEBD(bond_dim=bond_dim)
        if nearest and exponentials is None
        else TDVP(bond_dim=bond_dim, exponentials=exponentials)
    )
    return charge_spin_chain_mps(
        params, t_max=t_max, steps=steps, method=chosen, checkpoint=checkpoint
    )


def _table(
    params: SpinChainParameters, result: ChargingResult, p_ind: float, kind: str, bond_dim: int
) -> Any:
    rows: list[tuple[str, object]] = [
        ("P_max [a.u.²/ħ]", f"{result.power_max:.8g}"),
        ("t(P_max) [ħ/a.u.]", f"{result.t_power_max:.6g}"),
        ("E_max [a.u.]", f"{result.energy_max:.8g}"),
        ("t(E_max) [ħ/a.u.]", f"{result.t_energy_max:.6g}"),
        ("P_max / N independent spins", f"{result.power_max / p_ind:.6f}"),
    ]
    if kind == "mps":
        info = result.parameters
        rows.append(
            (
                f"{info['method']} bond dimension (max / D)",
                f"{max(info['max_bond'])} / {bond_dim}",
            )
        )
        rows.append(("accumulated truncation error", f"{info['truncation_error'][-1]:.2e}"))
    title = (
        f"Spin-chain battery, N = {params.n_sites}, {params.interaction} range, "
        f"α = {params.anisotropy:g}"
    )
    return quantity_table(title, rows)
