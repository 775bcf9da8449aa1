"""What coaching could be worth: the revenue-impact calculator on the team's own numbers.

The research figures (Sales Executive Council / CEB, summarised in Dixon & Adamson, "The Dirty
Secret of Effective Sales Coaching", HBR) are the defaults: raising coaching of the core 60% from
poor to average lifted their performance by 6–8% (default 7%), the best-quality coaching by up to
19%; top performers gain little (default 2%) and the bottom 10% little (default 0%). These are
research figures, not a promise; every one is an assumption the user can change.

Revenue basis per person and month, from the last ``window`` months of data:

* AE: revenue won.
* AM: portfolio growth (end − start value); a shrinking portfolio counts as 0.
* SDR: qualified leads × the value of a qualified lead, which is ``sdr_share`` of the AEs' revenue
  won per qualified lead in the team. SDR value is the pipeline the AEs then close, so it overlaps
  with AE revenue; ``sdr_share`` says how much of it to credit to the SDR (0 leaves SDRs out).

Scenarios, all with the same coaching hours a month (core people × ``hours_per_person``):

* Core — moderate / best-quality: every core person gets the standard dose; lift = basis × effect.
* Top tier, same hours: the hours go to the top tier instead; each top person's lift is
  ``top_effect`` scaled by their dose relative to the standard dose, capped at 1 (more hours than
  the standard dose add nothing).
* Everyone equally, same hours: the hours are spread over everyone; each tier's effect is scaled by
  the (smaller) dose relative to the standard one. Linear in the dose — a simplifying assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.i18n import N_, _
from core.months import window_periods

ASSUMPTION_NAMES: dict[str, str] = {
    "core_effect": N_("The effect of moderate coaching on the core"),
    "best_effect": N_("The effect of best-quality coaching on the core"),
    "top_effect": N_("The effect on the top tier"),
    "low_effect": N_("The effect on the low tier"),
    "sdr_share": N_("The SDRs' share of a qualified lead's value"),
}
"""How a reader names each share-valued assumption (an out-of-range value is refused with this name)."""

SCENARIO_COLUMNS: tuple[str, ...] = (
    "scenario",
    "coached",
    "hours",
    "hours_per_person",
    "basis",
    "effect",
    "change_month",
    "change_horizon",
    "change_pct",
)


@dataclass(frozen=True)
class RevenueAssumptions:
    """The calculator's assumptions, each shown and editable on the page."""

    core_effect: float = 0.07  # moderate coaching of the core: 6–8% in the research
    best_effect: float = 0.19  # best-quality coaching of the core: up to 19%
    top_effect: float = 0.02  # top performers improve little from coaching
    low_effect: float = 0.0  # the bottom 10% gain little; an HR conversation comes first
    hours_per_person: float = 3.0  # coaching hours per coached person per month
    manager_hours: float = 20.0  # hours a month each manager can give to coaching
    months: int = 12  # horizon of the revenue change
    window: int = 3  # months of data the revenue basis is taken from
    sdr_share: float = 0.5  # share of a qualified lead's value credited to the SDR

    def check(self) -> None:
        """Raise ValueError with a sentence for an assumption out of range."""
        for name in ("core_effect", "best_effect", "top_effect", "low_effect", "sdr_share"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(_("{name} must be between 0% and 100%.").format(name=_(ASSUMPTION_NAMES[name])))
        if self.hours_per_person <= 0:
            raise ValueError(_("Coaching hours per person must be more than 0."))
        if self.manager_hours < 0:
            raise ValueError(_("Manager hours cannot be negative."))
        if self.months < 1 or self.window < 1:
            raise ValueError(_("The horizon and the data window are at least 1 month."))


@dataclass(frozen=True)
class RevenueResult:
    """The scenarios and what they need.

    Attributes:
        scenarios: One row per scenario, :data:`SCENARIO_COLUMNS` (money per month, and over the
            horizon; ``change_pct`` of the whole team's basis).
        basis: One row per person: rep_id, role, tier, basis (revenue basis per month).
        hours_needed: Coaching hours a month to coach the core at the standard dose.
        hours_available: Managers × their coaching hours a month.
        managers: Distinct managers in the data.
        lead_value: Value credited per SDR qualified lead.
    """

    scenarios: pd.DataFrame
    basis: pd.DataFrame
    hours_needed: float
    hours_available: float
    managers: int
    lead_value: float


def revenue_basis(records: pd.DataFrame, tiers: pd.DataFrame, assumptions: RevenueAssumptions) -> pd.DataFrame:
    """Each person's revenue basis per month over the last ``window`` months (see the module docstring).

    Args:
        records: Canonical records.
        tiers: rep_id and tier (after overrides) per person.
        assumptions: For ``window`` and ``sdr_share``.

    Returns:
        rep_id, role, tier, months, basis — one row per person active in the window with a tier.
    """
    months = window_periods(records["period"].unique(), assumptions.window)
    rows = records[records["period"].isin(months)]
    money = rows.assign(
        growth=(rows["portfolio_end"] - rows["portfolio_start"]).astype(np.float64),
        revenue=rows["revenue_won"].astype(np.float64),
        qualified=rows["qualified_leads"].astype(np.float64),
    )
    per = money.groupby("rep_id", sort=True).agg(
        role=("role", "last"),
        months=("period", "nunique"),
        revenue=("revenue", "sum"),
        growth=("growth", "sum"),
        qualified=("qualified", "sum"),
    )
    ae_revenue = float(per.loc[per["role"] == "AE", "revenue"].sum())
    sdr_qualified = float(per.loc[per["role"] == "SDR", "qualified"].sum())
    lead_value = assumptions.sdr_share * ae_revenue / sdr_qualified if sdr_qualified > 0 else 0.0
    monthly = np.select(
        [per["role"] == "AE", per["role"] == "AM", per["role"] == "SDR"],
        [per["revenue"], per["growth"].clip(lower=0.0), per["qualified"] * lead_value],
        default=0.0,
    ) / per["months"].clip(lower=1)
    out = pd.DataFrame({"rep_id": per.index.astype(str), "role": per["role"].to_numpy(), "months": per["months"]})
    out["basis"] = np.asarray(monthly, dtype=np.float64)
    tier_of = dict(zip(tiers["rep_id"].astype(str), tiers["tier"], strict=True))
    out["tier"] = out["rep_id"].map(tier_of)
    out = out[out["tier"].isin(["low", "core", "top"])]
    out.attrs["lead_value"] = lead_value
    return out[["rep_id", "role", "tier", "months", "basis"]].reset_index(drop=True)


def revenue_impact(
    records: pd.DataFrame, tiers: pd.DataFrame, assumptions: RevenueAssumptions | None = None
) -> RevenueResult:
    """The expected revenue change of each way to spend the same coaching hours.

    Args:
        records: Canonical records (``manager`` counts the managers).
        tiers: rep_id and tier per person (after overrides).
        assumptions: Effects, hours, horizon, basis window and SDR share.

    Returns:
        The :class:`RevenueResult`.

    Raises:
        ValueError: An assumption out of range, or nobody with a tier in the window.
    """
    a = assumptions or RevenueAssumptions()
    a.check()
    basis = revenue_basis(records, tiers, a)
    if basis.empty:
        raise ValueError(_("Nobody with a tier has data in the window; segment the team first."))
    by_tier = basis.groupby("tier")["basis"].agg(["sum", "size"]).reindex(["low", "core", "top"], fill_value=0)
    total = float(basis["basis"].sum())
    sizes = by_tier["size"].astype(int).to_dict()
    sums = by_tier["sum"].astype(float).to_dict()
    n_core, n_top, n_all = int(sizes["core"]), int(sizes["top"]), len(basis)
    core_sum, top_sum, low_sum = (float(sums[t]) for t in ("core", "top", "low"))
    hours = n_core * a.hours_per_person

    def dose(people: int) -> float:
        """Share of the standard dose each of ``people`` gets from the same hours (capped at 1)."""
        return min(hours / people / a.hours_per_person, 1.0) if people else 0.0

    everyone, top_dose = dose(n_all), dose(n_top)
    everyone_change = everyone * (core_sum * a.core_effect + top_sum * a.top_effect + low_sum * a.low_effect)
    rows = [
        (N_("Core 60%: moderate coaching"), n_core, hours, core_sum, a.core_effect, core_sum * a.core_effect),
        (N_("Core 60%: best-quality coaching"), n_core, hours, core_sum, a.best_effect, core_sum * a.best_effect),
        (N_("Top tier, same hours"), n_top, hours, top_sum, a.top_effect * top_dose, top_sum * a.top_effect * top_dose),
        (
            N_("Everyone equally, same hours"),
            n_all,
            hours,
            total,
            everyone_change / total if total else 0.0,  # blended over the whole team
            everyone_change,
        ),
    ]
    frame = pd.DataFrame(
        [
            {
                "scenario": name,
                "coached": people,
                "hours": h,
                "hours_per_person": h / people if people else 0.0,
                "basis": b,
                "effect": effect,
                "change_month": change,
                "change_horizon": change * a.months,
                "change_pct": change / total * 100.0 if total else 0.0,
            }
            for name, people, h, b, effect, change in rows
        ],
        columns=list(SCENARIO_COLUMNS),
    )
    managers = int(records["manager"].replace("", np.nan).dropna().nunique())
    return RevenueResult(
        scenarios=frame,
        basis=basis,
        hours_needed=hours,
        hours_available=managers * a.manager_hours,
        managers=managers,
        lead_value=float(basis.attrs.get("lead_value", 0.0)),
    )
