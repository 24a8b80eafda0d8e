"""Carbon assessment: emissions, intensity, uncertainty, baselines and the Annex A report.

Pipeline stage: after the model. Pure calculations on `Model` records; emission factors and
units come from package data (`generator/data/factors/*.yaml`), never literals in code.

Arithmetic and rounding: every value is a `decimal.Decimal` at full precision (28 significant
digits, Python's default context) from input to total. Rounding happens only when text is shown to people: tCO2 to two
decimals, activity data to three, emission factors to six, intensities to four and
percentages to one, all ROUND_HALF_UP (`fmt.py`). JSON output
keeps full precision (as JSON numbers) so that activity × factor = emissions and the sum of the
sources = the total can be checked by anyone.
"""

from __future__ import annotations

from .analysis import Assessment, Thresholds, assess
from .calc import Inventory, SourceResult, compute_inventory

__all__ = [
    "Assessment",
    "Inventory",
    "SourceResult",
    "Thresholds",
    "assess",
    "compute_inventory",
]
