"""The offer's cost calculation — section V of the 2018 offer template (Annex 1, Dz.U. 2018 poz. 2057).

A pure module: no database and no models, only frozen dataclasses and :class:`~decimal.Decimal`
(never float). The offer editor, the offer PDF and the checks before submission all read it.

- V.A — cost calculation (*kalkulacja przewidywanych kosztów*, *zestawienie kosztów realizacji
  zadania*): :class:`CostLine` rows grouped per activity (I. *koszty realizacji działań*) and
  administrative costs (II. *koszty administracyjne*), with a column per year for multi-year tasks.
- V.B — sources of financing (*źródła finansowania kosztów realizacji zadania*): :class:`Sources`,
  given at the offer level, with the shares computed by :func:`percent_shares`.
- V.C — split of the costs between the offerors of a joint offer (*podział kosztów realizacji
  zadania pomiędzy oferentów*): :attr:`BudgetSummary.offerors`.

Rounding: money is rounded half up to the grosz exactly once, when a line's value is computed
(:attr:`CostLine.value`); every total is an exact sum of those rounded values, so no total can
gain or lose a grosz. Shares (%) are rounded to two places by the largest-remainder method so the
shown rows always add up (see :func:`percent_shares`). Caps are compared exactly, never on
rounded percentages.

Use :func:`summarise` to get the totals and :func:`check_budget` for the problems against a call.
"""

from .checks import *  # noqa: F403 - the package is the public interface
from .model import *  # noqa: F403
