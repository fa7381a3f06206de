"""CLI commands of the Dicke battery: ``ssbattery dicke`` and ``ssbattery dicke-scaling``."""

from __future__ import annotations

from pathlib import Path

import typer

from ssbattery.cli._common import (
    console,
    err_console,
    handle_errors,
    output_option,
    parse_int_list,
    print_json,
    progress_on_stderr,
    save_plot,
    warnings_to_stderr,
)
from ssbattery.cli.audit import AUDIT_HELP, attach_audits, print_audits

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``dicke`` and ``dicke-scaling`` to ``app``."""

    @app.command("dicke")
    @handle_errors
    def dicke_command(
        atoms: int = typer.Option(..., "--atoms", help="Number of two-level atoms N ≥ 1."),
        coupling: float = typer.Option(..., "--coupling", help="Atom–cavity coupling g (eq. 9)."),
        omega_a: float = typer.Option(1.0, "--omega-a", help="Atomic splitting ωa (units of ωc)."),
        omega_c: float = typer.Option(1.0, "--omega-c", help="Cavity frequency ωc."),
        eta: float = typer.Option(0.0, "--eta", help="Atom–atom interaction η (eq. 9)."),
        drive: float = typer.Option(0.0, "--drive", help="Driving field Ω (eq. 9)."),
        photon_cutoff: int | None = typer.Option(
            None,
            "--photon-cutoff",
            help="Fixed highest photon number kept (≥ N; the review's rule is 4N). "
            "Default: chosen by error control, see --cutoff-tol.",
        ),
        cutoff_tol: float = typer.Option(
            1e-10,
            "--cutoff-tol",
            help="Without --photon-cutoff: bound on the population of the edge photon "
            "layers of the moving window (≈ relative error of E(t)).",
        ),
        t_max: float | None = typer.Option(
            None, "--t-max", help="End of the time grid in 1/ωc (default π/(g√N))."
        ),
        steps: int = typer.Option(400, "--steps", help="Points of the grid in (0, t_max]."),
        check_cutoff: bool = typer.Option(
            True,
            "--check-cutoff/--no-check-cutoff",
            help="With --photon-cutoff: repeat with a 1.5× larger cutoff; warn if Pmax or "
            "Emax move.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
        plot: Path | None = output_option("--plot", help="Save E(t), P(t) to this file."),
        cavity_loss: float = typer.Option(0.0, "--cavity-loss", help="Cavity loss κ (open)."),
        decay: float = typer.Option(0.0, "--decay", help="Local decay γ↓ per atom (open)."),
        pumping: float = typer.Option(0.0, "--pumping", help="Local pumping γ↑ (open)."),
        dephasing: float = typer.Option(0.0, "--dephasing", help="Local dephasing γ_φ (open)."),
        collective_decay: float = typer.Option(
            0.0, "--collective-decay", help="Collective decay γ_c on J− (open)."
        ),
        bath_temperature: float | None = typer.Option(
            None, "--bath-temperature", help="Bath temperature T (units of ωc): thermal rates."
        ),
        audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
    ) -> None:
        """Charge the Dicke quantum battery (review §2.3.3–2.3.6, eqs. 8–9); with any noise
        option, the open battery and its storage phase (permutation-invariant blocks)."""
        from ssbattery.cli.open_dicke import dissipation_from_options, run_open_dicke
        from ssbattery.quantum.dicke import DickeParameters, check_cutoff_convergence
        from ssbattery.quantum.dicke_window import PhotonWindow, check_window_memory
        from ssbattery.sweep.models.quantum import DICKE, DickeRun

        params = DickeParameters(
            atoms,
            coupling,
            omega_a=omega_a,
            omega_c=omega_c,
            eta=eta,
            drive=drive,
            photon_cutoff=photon_cutoff,
            t_max=t_max,
            steps=steps,
        )
        noise = dissipation_from_options(
            cavity_loss=cavity_loss,
            decay=decay,
            pumping=pumping,
            dephasing=dephasing,
            collective_decay=collective_decay,
            bath_temperature=bath_temperature,
        )
        if noise is not None:
            if audit_flag:
                err_console.print("audit: the open battery is not audited (closed runs only).")
            with warnings_to_stderr():
                run_open_dicke(params, noise, as_json=as_json, plot=plot)
            return
        window = None
        if photon_cutoff is None:
            if not cutoff_tol > 0:  # NaN too
                from ssbattery.errors import InvalidParameterError

                raise InvalidParameterError(
                    f"`--cutoff-tol` must be > 0 (e.g. 1e-10), got {cutoff_tol!r}."
                )
            window = PhotonWindow(tol=cutoff_tol)
            check_window_memory(params)
        label = "moving photon window" if window else f"dim {params.dimension}"
        with warnings_to_stderr():
            with progress_on_stderr(f"Dicke N={params.n_atoms}, {label}") as update:
                # the sweep's entry: a sweep point is this run bit for bit
                result = DICKE.solve(DickeRun(params, window=window), progress=update)
                if check_cutoff and window is None:
                    check_cutoff_convergence(params, result)
        if plot is not None:
            _save_curves(result, plot)
        out = result.to_dict()
        reports = attach_audits(out, audit_flag, [result], many=False)
        if as_json:
            print_json(out)
            return
        from rich.table import Table

        table = Table(title=f"Dicke battery, N = {params.n_atoms}, g = {params.coupling}")
        table.add_column("quantity")
        table.add_column("value", justify="right")
        info = result.parameters
        cutoff_row = f"{info['photon_cutoff']}"
        if window is not None:
            cutoff_row += (
                f" (window, edge population {info['max_edge_population']:.1e} ≤ "
                f"{cutoff_tol:.0e}; |δE| ≤ {info['energy_error_bound']:.1e} rigorous)"
            )
        rows = [
            ("photon cutoff", cutoff_row),
            ("Hilbert-space dimension", f"{info['dimension']}"),
            ("t_max [1/ωc]", f"{params.charging_time:.6g}"),
            ("P_max [ωc²]", f"{result.power_max:.8g}"),
            ("t(P_max) [1/ωc]", f"{result.t_power_max:.6g}"),
            ("E_max [ωc]", f"{result.energy_max:.8g}"),
            ("t(E_max) [1/ωc]", f"{result.t_energy_max:.6g}"),
            ("max ergotropy [ωc]", f"{float(result.ergotropy.max()):.8g}"),
        ]
        for name, value in rows:
            table.add_row(name, value)
        console.print(table)
        print_audits(reports)

    @app.command("dicke-scaling")
    @handle_errors
    def dicke_scaling_command(
        atoms: str = typer.Option(..., "--atoms", help="Comma-separated N, e.g. 1,2,4,8,16."),
        coupling: float = typer.Option(..., "--coupling", help="Atom–cavity coupling g."),
        omega_a: float = typer.Option(1.0, "--omega-a", help="Atomic splitting ωa (units of ωc)."),
        omega_c: float = typer.Option(1.0, "--omega-c", help="Cavity frequency ωc."),
        eta: float = typer.Option(0.0, "--eta", help="Atom–atom interaction η."),
        drive: float = typer.Option(0.0, "--drive", help="Driving field Ω."),
        cutoff_factor: int = typer.Option(
            4, "--cutoff-factor", help="Photon cutoff = factor × N (≥ 1)."
        ),
        t_max: float | None = typer.Option(
            None, "--t-max", help="Same grid end for every N (default π/(g√N) per N)."
        ),
        steps: int = typer.Option(400, "--steps", help="Points of each grid."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
        plot: Path | None = output_option("--plot", help="Save the log–log plot here."),
        checkpoint: Path | None = typer.Option(
            None,
            "--checkpoint",
            help="Sweep store (.zarr): each N is stored as it is done; rerun to resume.",
        ),
    ) -> None:
        """Fit Pmax ∝ N^α over several N (review §2.3.5, Fig. 12)."""
        from ssbattery.quantum.dicke_scaling import dicke_scaling

        ns = parse_int_list(atoms, "--atoms")
        with warnings_to_stderr("default"):
            with progress_on_stderr("Dicke scaling") as update:
                result = dicke_scaling(
                    ns,
                    coupling,
                    omega_a=omega_a,
                    omega_c=omega_c,
                    eta=eta,
                    drive=drive,
                    cutoff_factor=cutoff_factor,
                    t_max=t_max,
                    steps=steps,
                    progress=update,
                    checkpoint=checkpoint,
                )
        if plot is not None:
            from ssbattery.plotting.dicke import plot_dicke_scaling

            ax = plot_dicke_scaling(result)
            save_plot(ax.get_figure(root=True), plot)
        if as_json:
            print_json(result.to_dict())
            return
        from rich.table import Table

        fit = result.fit
        table = Table(
            title=(
                f"Pmax ∝ N^α: α = {fit.exponent:.4f} ± {fit.stderr:.4f}, R² = {fit.r2:.5f} "
                f"(g = {coupling})"
            )
        )
        for col in ("N", "P_max [ωc²]", "t(P_max) [1/ωc]", "E_max [ωc]", "t_max [1/ωc]"):
            table.add_column(col, justify="right")
        for n, p, tp, e, tm in zip(
            result.atoms,
            result.power_max,
            result.t_power_max,
            result.energy_max,
            result.t_max,
            strict=True,
        ):
            table.add_row(str(n), f"{p:.8g}", f"{tp:.5g}", f"{e:.8g}", f"{tm:.5g}")
        console.print(table)


def _save_curves(result: object, path: Path) -> None:
    from ssbattery.plotting.dicke import plot_dicke_charging

    ax = plot_dicke_charging(result)  # type: ignore[arg-type]
    save_plot(ax.get_figure(root=True), path)
