"""Transport laws of solid electrolytes (review §1.1): σ = n q μ, Nernst–Einstein, Arrhenius.

Conventions: SI inside (σ in S/m, n in m⁻³, D in m²/s, μ in m²/(V s), T in K, energies in
eV for Ea); the unit helpers convert to the units papers quote (mS/cm, S/cm, cm²/s, °C,
kJ/mol). CODATA constants come from :mod:`scipy.constants`.

Two Arrhenius forms are supported and every result says which one it used:

* ``"A/T"``:  σ = (A/T) exp(−Ea / k_B T)   (the review's form, §1.1; regress ln(σT) on 1/T)
* ``"plain"``: σ = σ0 exp(−Ea / k_B T)      (regress ln σ on 1/T)

Fitted to the same data they differ by ≈ k_B T̄ (0.026–0.04 eV near room temperature).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import constants as sc

from ssbattery._deprecation import warn_renamed
from ssbattery.errors import DataFormatError, InvalidParameterError, ValidityWarning
from ssbattery.results import Quantity, quantity_dict, quantity_text
from ssbattery.validation import require_finite, require_positive

__all__ = [
    "ELEMENTARY_CHARGE_C",
    "K_B_EV_PER_K",
    "ArrheniusFit",
    "ArrheniusForm",
    "arrhenius_conductivity",
    "carrier_density_from_cell",
    "carrier_density_from_density",
    "celsius_to_kelvin",
    "conductivity_from_diffusivity",
    "conductivity_from_mobility",
    "ev_to_kj_per_mol",
    "fit_arrhenius",
    "haven_ratio",
    "kelvin_to_celsius",
    "kj_per_mol_to_ev",
    "mobile_ions_per_formula_unit",
    "mobility_from_conductivity",
    "ms_per_cm_to_s_per_m",
    "nernst_einstein_diffusivity",
    "s_per_cm_to_s_per_m",
    "s_per_m_to_ms_per_cm",
    "s_per_m_to_s_per_cm",
]

#: Elementary charge q [C] (CODATA, exact since 2019).
ELEMENTARY_CHARGE_C: float = sc.e
#: Boltzmann constant k_B [eV/K] (CODATA).
K_B_EV_PER_K: float = sc.physical_constants["Boltzmann constant in eV/K"][0]
_ZERO_CELSIUS_K = 273.15

#: The two Arrhenius forms: ``"A/T"`` σ = (A/T) e^(−Ea/k_BT) (the review's) or ``"plain"``.
ArrheniusForm = Literal["A/T", "plain"]


# --------------------------------------------------------------------------- units
def celsius_to_kelvin(t_celsius: ArrayLike) -> NDArray[np.float64]:
    """T [K] = t [°C] + 273.15."""
    return np.asarray(t_celsius, dtype=float) + _ZERO_CELSIUS_K


def kelvin_to_celsius(t_kelvin: ArrayLike) -> NDArray[np.float64]:
    """t [°C] = T [K] − 273.15."""
    return np.asarray(t_kelvin, dtype=float) - _ZERO_CELSIUS_K


def ms_per_cm_to_s_per_m(sigma_ms_cm: ArrayLike) -> NDArray[np.float64]:
    """1 mS/cm = 0.1 S/m."""
    return np.asarray(sigma_ms_cm, dtype=float) * 0.1


def s_per_m_to_ms_per_cm(sigma_s_m: ArrayLike) -> NDArray[np.float64]:
    """1 S/m = 10 mS/cm."""
    return np.asarray(sigma_s_m, dtype=float) * 10.0


def s_per_cm_to_s_per_m(sigma_s_cm: ArrayLike) -> NDArray[np.float64]:
    """1 S/cm = 100 S/m."""
    return np.asarray(sigma_s_cm, dtype=float) * 100.0


def s_per_m_to_s_per_cm(sigma_s_m: ArrayLike) -> NDArray[np.float64]:
    """1 S/m = 0.01 S/cm."""
    return np.asarray(sigma_s_m, dtype=float) * 0.01


def ev_to_kj_per_mol(energy_ev: ArrayLike) -> NDArray[np.float64]:
    """1 eV per particle = e N_A / 1000 kJ/mol ≈ 96.485 kJ/mol."""
    return np.asarray(energy_ev, dtype=float) * sc.e * sc.N_A / 1000.0


def kj_per_mol_to_ev(energy_kj_mol: ArrayLike) -> NDArray[np.float64]:
    """Inverse of :func:`ev_to_kj_per_mol`."""
    return np.asarray(energy_kj_mol, dtype=float) * 1000.0 / (sc.e * sc.N_A)


# --------------------------------------------------------------------------- σ = n q μ
def conductivity_from_mobility(n_per_m3: float, mobility_m2_per_vs: float, *, z: int = 1) -> float:
    """Ionic conductivity σ = n |z| q μ [S/m] (review §1.1, σ_i = n_i q μ_i).

    ``n_per_m3`` carrier density [m⁻³], ``mobility_m2_per_vs`` [m²/(V s)], ``z`` charge number.
    """
    n = require_positive("n_per_m3", n_per_m3)
    mu = require_positive("mobility_m2_per_vs", mobility_m2_per_vs, allow_zero=True)
    zz = _charge_number(z)
    return n * abs(zz) * ELEMENTARY_CHARGE_C * mu


def mobility_from_conductivity(sigma_s_per_m: float, n_per_m3: float, *, z: int = 1) -> float:
    """Mobility μ = σ / (n |z| q) [m²/(V s)], the inverse of σ = n q μ."""
    sigma = require_positive("sigma_s_per_m", sigma_s_per_m, allow_zero=True)
    n = require_positive("n_per_m3", n_per_m3)
    return sigma / (n * abs(_charge_number(z)) * ELEMENTARY_CHARGE_C)


# --------------------------------------------------------------------------- Nernst–Einstein
def nernst_einstein_diffusivity(
    sigma_s_per_m: float, temperature_k: float, n_per_m3: float, *, z: int = 1
) -> float:
    """Charge diffusivity D_σ = σ k_B T / (n z² q²) [m²/s] (review §1.1, Nernst–Einstein).

    This is the *conductivity* diffusion coefficient (no Haven ratio, no correlation factor).
    """
    sigma = require_positive("sigma_s_per_m", sigma_s_per_m, allow_zero=True)
    t = _temperature(temperature_k)
    n = require_positive("n_per_m3", n_per_m3)
    zz = _charge_number(z)
    return sigma * sc.k * t / (n * zz**2 * ELEMENTARY_CHARGE_C**2)


def conductivity_from_diffusivity(
    diffusivity_m2_per_s: float, temperature_k: float, n_per_m3: float, *, z: int = 1
) -> float:
    """σ = n z² q² D / (k_B T) [S/m], the inverse of :func:`nernst_einstein_diffusivity`."""
    d = require_positive("diffusivity_m2_per_s", diffusivity_m2_per_s, allow_zero=True)
    t = _temperature(temperature_k)
    n = require_positive("n_per_m3", n_per_m3)
    zz = _charge_number(z)
    return n * zz**2 * ELEMENTARY_CHARGE_C**2 * d / (sc.k * t)


def haven_ratio(
    tracer_diffusivity_m2_per_s: float,
    sigma_s_per_m: float,
    temperature_k: float,
    n_per_m3: float,
    *,
    z: int = 1,
) -> float:
    """Haven ratio H_R = D* / D_σ (dimensionless), D_σ the Nernst–Einstein charge diffusivity.

    ``tracer_diffusivity_m2_per_s`` is the measured tracer (self-)diffusion coefficient D*
    [m²/s] (NMR, isotope tracer); D_σ = σ k_B T / (n z² q²) comes from
    :func:`nernst_einstein_diffusivity`. H_R = 1 for uncorrelated hops; H_R < 1 when ion
    hops are correlated (e.g. 0.78 for vacancy diffusion in an fcc lattice, the tracer
    correlation factor), as in many fast-ion conductors (Murch, Solid State Ionics 7, 177
    (1982)).
    """
    d_star = require_positive("tracer_diffusivity_m2_per_s", tracer_diffusivity_m2_per_s)
    sigma = require_positive("sigma_s_per_m", sigma_s_per_m)
    return d_star / nernst_einstein_diffusivity(sigma, temperature_k, n_per_m3, z=z)


# --------------------------------------------------------------------------- carrier density
def mobile_ions_per_formula_unit(formula: str, ion: str, *, x: float | None = None) -> float:
    """Number of ``ion`` atoms per formula unit of ``formula``.

    The formula is read as the review writes it (:func:`~ssbattery.electrolytes.formula.
    parse_formula`: fractions such as ``Na2Y2/3Cl4``, subscript digits, ``x`` substituted).

    >>> mobile_ions_per_formula_unit("Li7La3Zr2O12", "Li")
    7.0
    >>> round(mobile_ions_per_formula_unit("Li3xLa(2/3)-xTiO3", "Li", x=0.11), 6)
    0.33
    """
    from ssbattery.electrolytes.formula import parse_formula

    try:
        comp = parse_formula(formula, x=x)
    except DataFormatError as exc:
        raise InvalidParameterError(f"`formula`: {exc}") from None
    symbol = str(ion).strip()
    if symbol not in {str(e) for e in comp.elements}:
        raise InvalidParameterError(
            f"`ion` {ion!r} does not occur in {formula!r}; give the mobile ion, e.g. 'Li'."
        )
    return float(comp[symbol])


def carrier_density_from_cell(
    ions_per_formula_unit: float, formula_units_per_cell: float, cell_volume_A3: float
) -> float:
    """n = x Z / V_cell [m⁻³] from x ions per formula unit, Z formula units and V in Å³."""
    x = require_positive("ions_per_formula_unit", ions_per_formula_unit)
    zf = require_positive("formula_units_per_cell", formula_units_per_cell)
    v = require_positive("cell_volume_A3", cell_volume_A3)
    return x * zf / (v * 1e-30)


def carrier_density_from_density(
    ions_per_formula_unit: float, density_g_cm3: float, molar_mass_g_mol: float
) -> float:
    """n = x ρ N_A / M [m⁻³] from the mass density [g/cm³] and molar mass [g/mol]."""
    x = require_positive("ions_per_formula_unit", ions_per_formula_unit)
    rho = require_positive("density_g_cm3", density_g_cm3)
    m = require_positive("molar_mass_g_mol", molar_mass_g_mol)
    return x * rho * 1e6 * sc.N_A / m


# --------------------------------------------------------------------------- Arrhenius
@dataclass(frozen=True)
class ArrheniusFit:
    """A weighted least-squares Arrhenius fit and its covariance.

    ``form`` is ``"A/T"`` (σ = (A/T) e^{−Ea/k_BT}, prefactor ``A`` in S K/m) or ``"plain"``
    (σ = σ0 e^{−Ea/k_BT}, prefactor in S/m). ``ln_prefactor`` and ``Ea_eV`` are the fitted
    intercept and energy; ``covariance`` is the 2×2 covariance of (ln prefactor, Ea [eV]).
    """

    form: ArrheniusForm
    Ea_eV: float
    Ea_err_eV: float
    ln_prefactor: float
    ln_prefactor_err: float
    covariance: NDArray[np.float64]
    temperatures_k: NDArray[np.float64]
    sigma_s_per_m: NDArray[np.float64]
    reduced_chi2: float
    absolute_sigma: bool

    @property
    def prefactor(self) -> float:
        """A [S K/m] for ``"A/T"``, σ0 [S/m] for ``"plain"``."""
        return math.exp(self.ln_prefactor)

    @property
    def prefactor_err(self) -> float:
        """Standard error of the prefactor (linearised: A · δ(ln A))."""
        return self.prefactor * self.ln_prefactor_err

    @property
    def prefactor_units(self) -> str:
        """Units of the fitted prefactor: S K/m (A/T form) or S/m (plain form)."""
        return "S K/m" if self.form == "A/T" else "S/m"

    @property
    def Ea_kJ_mol(self) -> float:
        """Activation energy in kJ/mol."""
        return float(ev_to_kj_per_mol(self.Ea_eV))

    def ln_sigma(self, temperature_k: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """ln σ [σ in S/m] at ``temperature_k`` and its standard error from the covariance."""
        t = np.asarray(temperature_k, dtype=float)
        if np.any(~np.isfinite(t)) or np.any(t <= 0):
            raise InvalidParameterError(f"`temperature_k` must be > 0 K, got {temperature_k!r}.")
        # ln σ = ln P − Ea/(k_B T) [− ln T]; gradient wrt (ln P, Ea) is (1, −1/(k_B T)).
        g1 = np.ones_like(t)
        g2 = -1.0 / (K_B_EV_PER_K * t)
        value = self.ln_prefactor + g2 * self.Ea_eV
        if self.form == "A/T":
            value = value - np.log(t)
        c = self.covariance
        var = g1**2 * c[0, 0] + g2**2 * c[1, 1] + 2 * g1 * g2 * c[0, 1]
        return value, np.sqrt(np.maximum(var, 0.0))

    def predict(self, temperature_k: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """σ [S/m] at any temperature and its standard error (propagated, σ · δ ln σ)."""
        ln_s, err = self.ln_sigma(temperature_k)
        sigma = np.exp(ln_s)
        return sigma, sigma * err

    def summary(self) -> str:
        """Deprecated: the first line of ``str(fit)``."""
        warn_renamed("ArrheniusFit.summary()", "str(ArrheniusFit).splitlines()[0]")
        return self._headline()

    def _headline(self) -> str:
        """One line: the form used, Ea ± error, prefactor (the first line of ``str``)."""
        law = "σ = (A/T)·exp(−Ea/k_BT)" if self.form == "A/T" else "σ = σ0·exp(−Ea/k_BT)"
        return (
            f"{law}: Ea = {self.Ea_eV:.4f} ± {self.Ea_err_eV:.4f} eV, "
            f"ln({'A' if self.form == 'A/T' else 'σ0'}/[{self.prefactor_units}]) = "
            f"{self.ln_prefactor:.3f} ± {self.ln_prefactor_err:.3f}"
        )

    def quantities(self) -> tuple[Quantity, ...]:
        """Ea (eV and kJ/mol) and the prefactor, each ± its standard error."""
        kj_per_ev = self.Ea_kJ_mol / self.Ea_eV if self.Ea_eV else float(ev_to_kj_per_mol(1.0))
        return (
            Quantity("Ea", self.Ea_eV, "eV", self.Ea_err_eV),
            Quantity("Ea", self.Ea_kJ_mol, "kJ/mol", self.Ea_err_eV * kj_per_ev),
            Quantity("prefactor", self.prefactor, self.prefactor_units, self.prefactor_err),
            Quantity("reduced_chi2", self.reduced_chi2),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Ea and the prefactor ± errors with units in their keys, the form, the
        data (T [K], σ [S/m])."""
        return {
            "form": self.form,
            **quantity_dict(self.quantities()),
            "temperature [K]": self.temperatures_k.tolist(),
            "conductivity [S/m]": self.sigma_s_per_m.tolist(),
        }

    def __str__(self) -> str:
        return quantity_text(
            self._headline(), self.quantities(), (f"{self.temperatures_k.size} temperatures",)
        )


def fit_arrhenius(
    temperatures_k: ArrayLike,
    sigma_s_per_m: ArrayLike,
    *,
    sigma_err_s_per_m: ArrayLike | None = None,
    form: ArrheniusForm = "A/T",
    absolute_sigma: bool = False,
) -> ArrheniusFit:
    """Fit the Arrhenius law to (T, σ) by weighted least squares in log space (review §1.1).

    ``form="A/T"`` regresses y = ln(σT) on x = 1/T (σ = (A/T) e^{−Ea/k_BT}); ``form="plain"``
    regresses y = ln σ. The weight of each point is 1/δy² with δy = δσ/σ (``sigma_err_s_per_m``);
    without errors all points weigh the same. The covariance is (XᵀWX)⁻¹, scaled by the reduced
    χ² unless ``absolute_sigma`` (then the given errors are taken as true standard deviations).
    With two points and no absolute errors the standard errors are NaN (no degrees of freedom).
    """
    t = np.atleast_1d(np.asarray(temperatures_k, dtype=float))
    s = np.atleast_1d(np.asarray(sigma_s_per_m, dtype=float))
    if form not in ("A/T", "plain"):
        raise InvalidParameterError(f"`form` must be 'A/T' or 'plain', got {form!r}.")
    if t.ndim != 1 or t.shape != s.shape:
        raise InvalidParameterError(
            f"`temperatures_k` and `sigma_s_per_m` must be 1-D of equal length, got shapes "
            f"{t.shape} and {s.shape}."
        )
    if t.size < 2:
        raise InvalidParameterError(
            f"an Arrhenius fit needs at least 2 temperatures, got {t.size}; measure more."
        )
    if np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise InvalidParameterError(f"`temperatures_k` must all be finite and > 0 K, got {t}.")
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise InvalidParameterError(f"`sigma_s_per_m` must all be finite and > 0, got {s}.")
    if np.unique(t).size < 2:
        raise InvalidParameterError("`temperatures_k` must contain at least 2 distinct values.")
    if sigma_err_s_per_m is None:
        dy = np.ones_like(s)
        if absolute_sigma:
            raise InvalidParameterError(
                "`absolute_sigma=True` needs `sigma_err_s_per_m` (the measured errors)."
            )
    else:
        ds = np.atleast_1d(np.asarray(sigma_err_s_per_m, dtype=float))
        if ds.shape != s.shape or np.any(~np.isfinite(ds)) or np.any(ds <= 0):
            raise InvalidParameterError(
                "`sigma_err_s_per_m` must be positive, finite and as long as `sigma_s_per_m`."
            )
        dy = ds / s
    x = 1.0 / t
    y = np.log(s * t) if form == "A/T" else np.log(s)
    w = 1.0 / dy**2
    # y = ln P − (Ea/k_B) x : design matrix columns (1, −x/k_B) give parameters (ln P, Ea).
    X = np.column_stack([np.ones_like(x), -x / K_B_EV_PER_K])
    # Weighted least squares by QR of the √w-scaled design, cov = R⁻¹R⁻ᵀ: a sum of squares,
    # so its diagonal is never negative. The normal equations' (XᵀWX)⁻¹ lost that to
    # round-off when the weights spanned ~30 decades (an arc with R → ∞ beside a sound one).
    sw = np.sqrt(w)
    q, r = np.linalg.qr(X * sw[:, None])
    r_inv = np.linalg.inv(r)
    cov = r_inv @ r_inv.T
    beta = r_inv @ (q.T @ (y * sw))
    resid = y - X @ beta
    dof = t.size - 2
    chi2 = float(np.sum(w * resid**2))
    red = chi2 / dof if dof > 0 else math.nan
    if not absolute_sigma:
        if dof > 0:
            cov = cov * red
        else:
            warnings.warn(
                "Arrhenius fit through 2 points has no degrees of freedom: standard errors are "
                "undefined (NaN); give measured errors with absolute_sigma=True or more points.",
                ValidityWarning,
                stacklevel=2,
            )
            cov = np.full((2, 2), math.nan)
    return ArrheniusFit(
        form=form,
        Ea_eV=float(beta[1]),
        Ea_err_eV=float(math.sqrt(cov[1, 1])) if math.isfinite(cov[1, 1]) else math.nan,
        ln_prefactor=float(beta[0]),
        ln_prefactor_err=float(math.sqrt(cov[0, 0])) if math.isfinite(cov[0, 0]) else math.nan,
        covariance=np.asarray(cov, dtype=np.float64),
        temperatures_k=t,
        sigma_s_per_m=s,
        reduced_chi2=red,
        absolute_sigma=absolute_sigma,
    )


def arrhenius_conductivity(
    temperature_k: ArrayLike, Ea_eV: float, prefactor: float, *, form: ArrheniusForm = "A/T"
) -> NDArray[np.float64]:
    """σ(T) [S/m] from the Arrhenius law in the given ``form`` (prefactor A or σ0)."""
    if form not in ("A/T", "plain"):
        raise InvalidParameterError(f"`form` must be 'A/T' or 'plain', got {form!r}.")
    ea = require_finite("Ea_eV", Ea_eV)
    p = require_positive("prefactor", prefactor)
    t = np.asarray(temperature_k, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise InvalidParameterError(f"`temperature_k` must be > 0 K, got {temperature_k!r}.")
    base = p * np.exp(-ea / (K_B_EV_PER_K * t))
    return base / t if form == "A/T" else base


# --------------------------------------------------------------------------- helpers
def _temperature(value: float) -> float:
    t = require_finite("temperature_k", value)
    if t <= 0:
        raise InvalidParameterError(
            f"`temperature_k` must be > 0 K, got {value!r}; convert °C with celsius_to_kelvin."
        )
    return t


def _charge_number(z: int) -> int:
    try:
        integral = not isinstance(z, bool | str | bytes) and int(z) == z and int(z) != 0
    except (TypeError, ValueError, OverflowError):  # NaN, inf, objects
        integral = False
    if not integral:
        raise InvalidParameterError(f"`z` must be a non-zero integer charge number, got {z!r}.")
    return int(z)
