"""Interoperability: QuTiP Qobj in and out (dims kept), results as xarray Datasets, tables as
pandas DataFrames, circuit fits as impedance.py CustomCircuits, electrolytes as pymatgen
Compositions. Each converted object is checked against the numbers it came from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import qutip
import scipy.sparse as sp

from ssbattery import InvalidParameterError
from ssbattery.interop.qutip import dims_of, to_qobj
from ssbattery.quantum import ergotropy, evolve, stored_energy
from ssbattery.quantum.operators import as_density_matrix, as_hermitian, as_ket


def _two_qubits() -> tuple[qutip.Qobj, qutip.Qobj]:
    H = qutip.tensor(qutip.sigmaz(), qutip.qeye(2)) + 0.3 * qutip.tensor(
        qutip.sigmax(), qutip.sigmax()
    )
    psi = qutip.tensor(qutip.basis(2, 0), (qutip.basis(2, 0) + qutip.basis(2, 1)).unit())
    return H, psi


def test_qobj_round_trip_keeps_data_and_dims() -> None:
    H, psi = _two_qubits()
    A = as_hermitian(H)
    back = to_qobj(A, like=H)
    assert back == H and back.dims == [[2, 2], [2, 2]]
    ket = as_ket(psi, 4)
    assert ket.shape == (4,)
    k_back = to_qobj(ket, like=H)
    assert k_back.dims == [[2, 2], [1]] and (k_back - psi).norm() < 1e-15
    rho = as_density_matrix(psi * psi.dag(), 4)
    assert to_qobj(rho, like=H) == psi * psi.dag()
    assert dims_of(H) == [[2, 2], [2, 2]] and dims_of(A) is None
    assert to_qobj(sp.csr_array(np.asarray(A)), like=H) == H  # sparse arrays convert too


def test_to_qobj_refuses_dims_that_do_not_fit() -> None:
    with pytest.raises(InvalidParameterError, match="dimension 8"):
        to_qobj(np.eye(4), dims=[[2, 2, 2], [2, 2, 2]])


def test_evolution_of_qobj_matches_sesolve() -> None:
    """|ψ(t)⟩ = e^{−iHt}|ψ0⟩ from Qobj inputs equals QuTiP's own sesolve."""
    H, psi = _two_qubits()
    times = np.linspace(0.0, 2.0, 5)
    ours = evolve(H, psi, times, store_states=True)
    ref = qutip.sesolve(H, psi, times, options={"atol": 1e-12, "rtol": 1e-10})
    for state, expected in zip(ours.states, ref.states, strict=True):
        q = to_qobj(state, like=H)
        assert q.dims == expected.dims
        assert abs(q.overlap(expected)) == pytest.approx(1.0, abs=1e-8)


def test_evolve_takes_qobj_observables() -> None:
    """`evolve(e_ops=[Qobj])` was refused ("`e_ops[0]` must have shape (4, 4) like H, got
    ()"): np.asarray of a Qobj is a 0-d object array. ⟨σz ⊗ 1⟩(t) now equals sesolve's."""
    H, psi = _two_qubits()
    Z = qutip.tensor(qutip.sigmaz(), qutip.qeye(2))
    times = np.linspace(0.0, 2.0, 5)
    ours = evolve(H, psi, times, e_ops=[Z])
    ref = qutip.sesolve(H, psi, times, e_ops=[Z], options={"atol": 1e-12, "rtol": 1e-10})
    np.testing.assert_allclose(np.asarray(ours.expect)[0], ref.expect[0], atol=1e-9)
    assert np.asarray(ours.expect)[0, 0] == pytest.approx(1.0)  # |0⟩ on the first qubit
    with pytest.raises(InvalidParameterError, match=r"e_ops\[0\]"):
        evolve(H, psi, times, e_ops=[qutip.basis(4, 0)])


def test_metrics_take_qobj() -> None:
    """Eq. 7 on an inverted qubit: ergotropy = stored energy = ω for ρ = |e⟩⟨e|."""
    H0 = qutip.Qobj(np.diag([0.0, 1.0]))
    excited = qutip.basis(2, 1)
    assert ergotropy(excited, H0) == pytest.approx(1.0)
    assert ergotropy(excited * excited.dag(), H0) == pytest.approx(1.0)
    assert stored_energy(excited, qutip.basis(2, 0), H0) == pytest.approx(1.0)


def test_charging_result_to_xarray() -> None:
    from ssbattery.quantum.dicke import DickeParameters, charge_dicke

    r = charge_dicke(DickeParameters(n_atoms=4, coupling=0.2, steps=50))
    ds = r.to_xarray()
    assert ds["energy"].dims == ("time",)
    np.testing.assert_array_equal(ds["energy"].values, r.energy)
    np.testing.assert_array_equal(ds["time"].values, r.times)
    assert ds["energy"].attrs["units"] == "ω (ħ = 1)" and ds["time"].attrs["units"] == "1/ω"
    assert ds.attrs["param_n_atoms"] == 4 and ds.attrs["power_max"] == r.power_max
    assert float(ds["power"].max()) == pytest.approx(r.power_max)


def test_scaling_and_sweeps_to_xarray() -> None:
    from ssbattery.quantum.dicke_scaling import dicke_scaling
    from ssbattery.quantum.spin_chain import SpinChainParameters, anisotropy_sweep

    s = dicke_scaling([1, 2, 4], 0.2)
    ds = s.to_xarray()
    assert list(ds["n_atoms"].values) == [1, 2, 4]
    assert ds.attrs["exponent"] == s.fit.exponent
    params = SpinChainParameters(n_sites=4, field=3.0, charging=12.0, coupling=3.0, decay=1.0)
    sweep = anisotropy_sweep(params, np.array([-1.0, 0.0, 1.0]), t_max=2.0, steps=50)
    dsa = sweep.to_xarray()
    assert dsa["ratio"].dims == ("interaction", "alpha")
    # P_max(α)/P_max(α = 1) is 1 at α = 1 by definition (Fig. 14's normalisation)
    assert dsa["ratio"].sel(alpha=1.0).values == pytest.approx([1.0, 1.0])


def test_thermal_results_to_xarray() -> None:
    from ssbattery.thermal.heat_battery import HeatBattery, heat_battery
    from ssbattery.thermal.otto import otto_efficiency, otto_trajectory, qubit_otto

    res = qubit_otto(omega_h=2.0, omega_c=1.0)
    ds = res.to_xarray()
    assert ds.sizes["corner"] == 4
    # adiabatic qubit Otto engine: η = 1 − ω_c/ω_h (Quan et al., PRE 76, 031105 (2007))
    assert ds.attrs["efficiency"] == pytest.approx(otto_efficiency(2.0, 1.0))
    assert ds.attrs["work"] + ds.attrs["heat_hot"] + ds.attrs["heat_cold"] == pytest.approx(
        0.0, abs=1e-12
    )
    assert otto_trajectory(res).to_xarray().sizes["point"] > 4
    hb = heat_battery(HeatBattery(coupling=0.05), 20.0).to_xarray()
    assert hb["charged_state"].dims == ("row", "col")
    assert np.trace(hb["charged_state"].values).real == pytest.approx(1.0)


def test_to_xarray_refuses_unknown_types() -> None:
    from ssbattery.interop.xarray import to_xarray

    with pytest.raises(InvalidParameterError, match="no xarray form"):
        to_xarray(object())


def test_tables_to_dataframes() -> None:
    from ssbattery.electrolytes import find_electrolyte, query
    from ssbattery.electrolytes.impedance import Pellet, analyse_temperature_series
    from ssbattery.electrolytes.impedance.examples import EXAMPLE_TRUTH, example_spectra_dir
    from ssbattery.interop.pandas import (
        arrhenius_to_dataframe,
        electrolytes_to_dataframe,
        fit_to_dataframe,
    )

    rows = query(ion="Na")
    df = electrolytes_to_dataframe(rows)
    assert len(df) == len(rows)
    lgps = electrolytes_to_dataframe([find_electrolyte("LGPS")])
    assert lgps["conductivity [mS/cm]"].iloc[0] == pytest.approx(12.0)  # review Table 1
    analysis = analyse_temperature_series(
        [example_spectra_dir()], Pellet.from_mm(1.0, diameter_mm=10.0)
    )
    arr = arrhenius_to_dataframe(analysis)
    # the example spectra were generated with a bulk Ea of EXAMPLE_TRUTH's value
    assert arr.loc["bulk", "Ea [eV]"] == pytest.approx(EXAMPLE_TRUTH.Ea_bulk_eV, abs=0.01)
    assert arr.attrs["arrhenius_form"] == "A/T"
    fit = analysis.spectra[0].fit
    params = fit_to_dataframe(fit)
    assert list(params.index) == [p.name for p in fit.parameters]
    assert params.loc["R1", "unit"] == "Ohm"


def test_electrolyte_table_is_indexed_by_key_with_every_unit_in_its_column() -> None:
    """The docstring promised an index by key and units in the names, but `key` is a
    property (not a field), so the frame had a RangeIndex; and the unit table named fields
    that do not exist (cbm_eV, Ea_eV), so activation_energy_eV, cbm_vs_vacuum_eV,
    electronic_conductivity_mS_cm … kept their raw names."""
    import dataclasses

    from ssbattery.electrolytes import find_electrolyte, query
    from ssbattery.electrolytes.dataset import Electrolyte
    from ssbattery.interop.pandas import electrolytes_to_dataframe

    rows = query(ion="Li")
    df = electrolytes_to_dataframe(rows)
    assert list(df.index) == [r.key for r in rows] and df.index.name == "key"
    unit_fields = [
        f.name for f in dataclasses.fields(Electrolyte) if f.name.endswith(("_eV", "_mS_cm", "_C"))
    ]
    assert unit_fields and not set(unit_fields) & set(df.columns)  # each renamed with its unit
    lgps = find_electrolyte("LGPS")
    row = df.loc[lgps.key]
    assert row["conductivity [mS/cm]"] == pytest.approx(lgps.conductivity_mS_cm)
    assert row["temperature [°C]"] == lgps.temperature_C == 25.0
    for field, column in [
        ("activation_energy_eV", "activation energy [eV]"),
        ("cbm_vs_vacuum_eV", "CBM vs vacuum [eV]"),
        ("band_gap_eV", "band gap [eV]"),
    ]:
        value = getattr(lgps, field)
        assert (value is None and pd_isna(row[column])) or row[column] == pytest.approx(value)


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_fit_exports_as_impedance_py_custom_circuit() -> None:
    from impedance.models.circuits import CustomCircuit

    from ssbattery.electrolytes.impedance import Pellet, analyse_spectrum
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir
    from ssbattery.interop.impedance import to_custom_circuit

    a = analyse_spectrum(
        example_spectra_dir() / "example_25C.csv", Pellet.from_mm(1, diameter_mm=10)
    )
    circuit = a.fit.to_custom_circuit()
    assert isinstance(circuit, CustomCircuit)
    assert circuit.circuit == a.fit.circuit
    z = circuit.predict(a.fit.spectrum.frequency_hz)
    np.testing.assert_allclose(z, a.fit.z_fit_ohm, rtol=1e-12)
    assert to_custom_circuit(a.fit).parameters_[0] == a.fit.parameters[0].value


def test_electrolyte_gives_a_pymatgen_composition() -> None:
    from pymatgen.core import Composition

    from ssbattery.electrolytes import find_electrolyte

    lgps = find_electrolyte("LGPS")
    comp = lgps.composition()
    assert isinstance(comp, Composition)
    assert comp.reduced_formula == Composition("Li10GeP2S12").reduced_formula


def test_to_qobj_takes_the_space_of_a_ket_and_the_shape_of_the_array() -> None:
    """`like=psi0` (a ket) for a density matrix, or `like=H` for an (n, 1) column, raised
    QuTiP's bare "Provided dimensions do not match the data"; the dims now follow the
    array's shape on the space of `like`, and the values are the array's."""
    H, psi = _two_qubits()
    rho = as_density_matrix(psi * psi.dag(), 4)
    back = to_qobj(rho, like=psi)
    assert back.dims == [[2, 2], [2, 2]] and back.type == "oper"
    np.testing.assert_array_equal(back.full(), rho)
    assert abs(back.tr() - 1.0) < 1e-15 and (back - psi * psi.dag()).norm() < 1e-15
    column = as_ket(psi, 4).reshape(-1, 1)
    ket = to_qobj(column, like=H)
    assert ket.dims == [[2, 2], [1]] and abs(ket.overlap(psi) - 1.0) < 1e-15
    bra = to_qobj(column.conj().T, like=psi.dag())
    assert bra.dims == [[1], [2, 2]] and abs((bra * psi) - 1.0) < 1e-15
    with pytest.raises(InvalidParameterError, match="dimension 4 × 4, but the array is 4 × 2"):
        to_qobj(np.ones((4, 2)), dims=[[2, 2], [2, 2]])
    with pytest.raises(InvalidParameterError, match="must be two lists"):
        to_qobj(np.eye(4), dims=[[2, 2]])
    with pytest.raises(InvalidParameterError, match="ket, bra or operator"):
        to_qobj(np.eye(4), like=qutip.to_super(qutip.sigmax()))


def test_trajectory_to_xarray_keeps_each_observable_in_its_column() -> None:
    """`Trajectory.expect` is (n_ops, n_times); the Dataset reshaped it to (time, observable)
    without transposing, so with two observables each column mixed both (⟨σz⊗1⟩ read
    1, 0.877, 0.875, 1, 1 for sesolve's 1, 0.959, 0.877, 0.835, 0.875). Each column is
    now QuTiP's sesolve of that observable; the units are no longer claimed to be ω."""
    H, psi = _two_qubits()
    Z = qutip.tensor(qutip.sigmaz(), qutip.qeye(2))
    t = np.linspace(0.0, 2.0, 5)
    ds = evolve(H, psi, t, e_ops=[Z, H]).to_xarray()
    ref = qutip.sesolve(H, psi, t, e_ops=[Z, H], options={"atol": 1e-12, "rtol": 1e-10})
    assert ds["expect"].dims == ("time", "observable") and ds["expect"].shape == (5, 2)
    for k in range(2):
        np.testing.assert_allclose(ds["expect"].isel(observable=k), ref.expect[k], atol=1e-9)
    # ⟨H⟩ is conserved by the unitary evolution
    np.testing.assert_allclose(ds["expect"].isel(observable=1), qutip.expect(H, psi), atol=1e-9)
    assert ds["expect"].attrs["units"] == "units of each observable"
    one = evolve(H, psi, t, e_ops=[Z]).to_xarray()["expect"]
    np.testing.assert_allclose(one.isel(observable=0), ref.expect[0], atol=1e-9)


def test_datasets_round_trip_through_zarr_with_units(tmp_path: Path) -> None:
    """The module promises the datasets save as they are: complex states included (Zarr),
    with units and parameters kept as attributes."""
    import xarray as xr

    from ssbattery.quantum.dicke import DickeParameters, charge_dicke
    from ssbattery.thermal.heat_battery import HeatBattery, heat_battery

    for name, result in [
        ("charging", charge_dicke(DickeParameters(n_atoms=2, coupling=0.2, steps=20))),
        ("heat", heat_battery(HeatBattery(coupling=0.05), 20.0)),
    ]:
        ds = result.to_xarray()
        ds.to_zarr(tmp_path / f"{name}.zarr", mode="w")
        back = xr.open_zarr(tmp_path / f"{name}.zarr").load()
        xr.testing.assert_identical(back, ds)
    assert back["charged_state"].dtype.kind == "c"
    assert back["charged_state"].attrs["units"] == "1"
