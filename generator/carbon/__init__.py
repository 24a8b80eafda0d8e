"""Carbon assessment: emissions, intensity, uncertainty, baselines and the Annex A report.

Pipeline stage: after the model. `calc/` is pure calculation on `Model` records, `report/`
turns results into text and charts; emission factors and
units come from package data (`generator/resources/data/factors/*.yaml`), never literals in code.

Arithmetic and rounding: every value is a `decimal.Decimal` at full precision (28 significant
digits, Python's default context) from input to total. Rounding happens only when text is shown to people: tCO2 to two
decimals, activity data to three, emission factors to six, intensities to four and
percentages to one, all ROUND_HALF_UP (`calc/rounding.py`). JSON output
keeps full precision (as JSON numbers) so that activity × factor = emissions and the sum of the
sources = the total can be checked by anyone.
"""
