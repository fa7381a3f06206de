"""Resources are checked before they are spent; failed fits are not results (issue 9 §3–4).

The memory guard predicts the whole run's peak (:class:`ssbattery.validation.MemoryEstimate`);
``benchmarks/bench_reliability.py`` compares the prediction with measured peaks. Here: the
refusals happen before any allocation (milliseconds), with the estimate and the option to
lower; the estimate's parts follow the sizes they count; cost guards and fit quality.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.electrolytes.formula import parse_formula
from ssbattery.electrolytes.impedance.circuits import fit_spectrum
from ssbattery.electrolytes.impedance.examples import example_spectra_dir
from ssbattery.electrolytes.impedance.readers import read_spectrum, spectrum_from_arrays
from ssbattery.errors import (
    API_ONLY_PREFIX,
    CostWarning,
    DataFormatError,
    FitFailedError,
    InvalidParameterError,
    ResourceLimitError,
)
from ssbattery.quantum.battery import default_times
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.dicke import memory_estimate as dicke_memory
from ssbattery.quantum.spin_chain import SpinChainParameters
from ssbattery.quantum.spin_chain import memory_estimate as chain_memory
from ssbattery.validation import MemoryEstimate, check_cost

REFUSED = [
    (["spin-chain", "--steps", str(10**11)], "--steps"),
    (["dicke", "--n-atoms", "4", "--coupling", "0.5", "--steps", str(10**11)], "--steps"),
    (
        [
            "dicke",
            "--n-atoms",
            "4",
            "--coupling",
            "0.5",
            "--photon-cutoff",
            "16",
            "--steps",
            "1e11",
        ],
        "--steps",
    ),
    (["learn-cycle", "--population", str(10**11)], "--population"),
    (["learn-cycle", "--steps", str(10**11)], "--steps"),
    (["otto", "--medium", "oscillator", "--levels", str(10**8)], "--levels"),
    (["otto", "--medium", "oscillator", "--levels", "5000"], "--levels"),
    (["spin-chain", "--n-sites", "26"], "--n-sites"),
    (["dicke", "--n-atoms", "16", "--coupling", "0.5", "--t-max", "1e12"], "--t-max"),
    (["spin-chain", "--n-sites", "12", "--t-max", "1e12"], "--t-max"),
    (["self-charge", "--t-end", "1e9"], "--t-end"),
]


@pytest.mark.parametrize(("argv", "option"), REFUSED, ids=lambda v: " ".join(v)[:50])
def test_absurd_sizes_are_refused_before_allocating(argv: list[str], option: str) -> None:
    """One error line with the estimate and the option to lower, exit 2, no MemoryError."""
    result = CliRunner().invoke(app, [a if a != "1e11" else str(10**11) for a in argv])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "ran out of memory" not in lines[0]
    assert "GiB" in lines[0] or "days" in lines[0] or " h " in lines[0], lines[0]
    assert f"`{option}`" in lines[0]


def test_refusal_takes_milliseconds() -> None:
    """The whole-run estimate is arithmetic: no grid, basis or operator is allocated."""
    start = time.perf_counter()
    with pytest.raises(ResourceLimitError):
        chain_memory(SpinChainParameters(30), default_times(2.0, 400)).check()
    with pytest.raises(ResourceLimitError):
        dicke_memory(DickeParameters(4, 0.5, photon_cutoff=16, steps=10**11)).check()
    assert time.perf_counter() - start < 0.5


def test_estimate_counts_the_propagator_vectors_and_outputs() -> None:
    """The spin-chain peak is the evolution's (Chebyshev terms ≈ ‖H‖ t_max of the sector's
    vectors), not the two sparse matrices the old guard counted (929 vs 151 MB at 18
    sites, issue 9 §4); it grows with t_max and the output count at fixed size."""
    p = SpinChainParameters(18)
    est = chain_memory(p, default_times(2.0, 400))
    assert est.peak_phase == "evolving"
    parts = dict(est.phases["evolving"])
    assert parts["propagator work vectors"] > 5 * parts["Hamiltonian (CSR)"]
    # measured 755 MB above the interpreter at 18 sites (benchmarks/RESULTS_reliability.md)
    assert 0.6e9 < est.peak_bytes < 1.2e9
    longer = chain_memory(p, default_times(4.0, 400))
    assert longer.peak_bytes > est.peak_bytes
    many = dicke_memory(DickeParameters(8, 0.5, steps=10**7))
    few = dicke_memory(DickeParameters(8, 0.5, steps=10))
    assert many.peak_bytes - few.peak_bytes == pytest.approx(1.1 * (10**7 - 10) * 64, rel=1e-6)


def test_memory_estimate_compares_with_the_available_memory(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ssbattery.validation as v

    monkeypatch.setattr(v, "available_memory_bytes", lambda: 100 * 1024**2)
    est = MemoryEstimate("a run", hint="lower `n`").add(
        "evolving", "vectors", (200 * 1024**2,), bytes_per_element=1
    )
    with pytest.raises(ResourceLimitError, match="available now") as info:
        est.check()
    assert "vectors" in str(info.value) and "lower `n`" in str(info.value)
    MemoryEstimate("a small run").add("p", "x", (10,)).check()  # fits: no error


def test_a_run_below_the_small_floor_skips_the_memory_reading(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ssbattery.validation as v

    def unreadable() -> int:
        raise AssertionError("read the available memory for a run below SMALL_RUN_BYTES")

    monkeypatch.setattr(v, "available_memory_bytes", unreadable)
    small = 0.99 * v.SMALL_RUN_BYTES / (1.0 + v.ALLOCATOR_MARGIN)  # peak just below it
    MemoryEstimate("a tiny run").add("p", "x", (small,), bytes_per_element=1).check()
    monkeypatch.setattr(v, "available_memory_bytes", lambda: v.SMALL_RUN_BYTES)
    with pytest.raises(ResourceLimitError, match="available now"):  # above it: compared
        MemoryEstimate("a run").add("p", "x", (2 * small,), bytes_per_element=1).check()


def test_a_long_run_is_announced_with_its_estimate() -> None:
    with pytest.warns(CostWarning, match="about 2 min"):
        check_cost("a test", 120.0, hint="lower `steps`")
    with pytest.raises(ResourceLimitError, match="days"):
        check_cost("a test", 1e6, hint="lower `steps`")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_cost("a test", 1.0, hint="lower `steps`")  # short: silent


def test_sixteen_thousand_character_formula_parses_in_linear_time() -> None:
    comp = parse_formula("Li" * 8000)
    assert comp["Li"] == 8000
    comp = parse_formula("(Li2O)" * 2600)
    assert comp["Li"] == 5200 and comp["O"] == 2600
    assert parse_formula("Na3O(BH4)")["H"] == 4  # groups still multiply out
    with pytest.raises(DataFormatError, match="nested more than"):
        parse_formula("(" * 4000 + "Li" + ")" * 4000)


def test_a_200k_point_spectrum_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = np.logspace(7, -1, 200_000)
    z = 100.0 / (1 + 1j * f * 1e-6)
    with pytest.raises(ResourceLimitError, match="200000 frequencies"):
        spectrum_from_arrays(f, z)


def _swapped() -> object:
    good = read_spectrum(example_spectra_dir() / "example_25C.csv")
    return spectrum_from_arrays(good.frequency_hz, -good.z_ohm.imag - 1j * good.z_ohm.real)


def test_a_fit_far_above_the_noise_floor_is_refused() -> None:
    """Z′ and Z″ swapped: the residual is tens of % (the analyser's noise is ≈ 1 %)."""
    with pytest.raises(FitFailedError, match=r"fit failed: its rms relative residual \d+%"):
        fit_spectrum(_swapped(), "p(R1,CPE1)", initial_guess=[1000.0, 1e-9, 0.9])  # type: ignore[arg-type]


def test_cli_reports_a_failed_fit_with_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sw = _swapped()
    path = tmp_path / "swapped_25C.csv"
    rows = [
        f"{a:.6e},{b.real:.6e},{b.imag:.6e}" for a, b in zip(sw.frequency_hz, sw.z_ohm, strict=True)
    ]  # type: ignore[attr-defined]
    path.write_text("freq_Hz,Zre_Ohm,Zim_Ohm\n" + "\n".join(rows) + "\n")
    argv = ["eis", "fit", str(path), "--thickness", "1", "--area", "5", "--circuit", "p(R1,CPE1)"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "fit failed" in errors[0] and "columns" in errors[0]
    assert "mS/cm" not in result.stdout  # no conductivity printed as if it were a result


def test_cli_messages_drop_python_only_advice() -> None:
    result = CliRunner().invoke(app, ["otto", "--tau-hot", "1e12"])
    if result.exit_code == 2:  # a steady state the solver cannot pin down
        assert "check_unique" not in result.stderr
    # A circuit term without automatic starting values: the API's message advises the
    # keyword `initial_guess` (errors.api_only), the command's names its option only.
    path = example_spectra_dir() / "example_25C.csv"
    with pytest.raises(InvalidParameterError, match="pass `initial_guess`") as api:
        fit_spectrum(read_spectrum(path), "R0-L0")
    assert API_ONLY_PREFIX in str(api.value)
    argv = ["eis", "fit", str(path), "--circuit", "R0-L0", "--thickness-mm", "1"]
    result = CliRunner().invoke(app, [*argv, "--diameter-mm", "10"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot estimate starting values for the term 'L0'")
    assert "`--circuit`" in result.stderr
    assert "initial_guess" not in result.stderr and API_ONLY_PREFIX not in result.stderr
