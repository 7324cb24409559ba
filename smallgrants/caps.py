"""The legal caps of a small grant (art. 19a ust. 1, 6 and 7), checked on submission.

Every cap is a legal parameter read in force on the submission date (Europe/Warsaw), never a constant.
The year that counts for the per-organisation cap and for the pool is the calendar year in which the
realisation starts (the budget year that pays the grant; the programme is chosen by the same year).
"""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from calls.models import PublicTask
from core.enums import LegalParameterKey
from core.legal import legal_parameter
from core.money import format_pln, pln

from .content import duration_days
from .rules import COUNTED_STATES


def _amount(value):
    return pln(value or Decimal("0"))


def _percent(value):
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def year_of(small_grant):
    return small_grant.realisation_start.year if small_grant.realisation_start else None


def others_of_the_year(small_grant):
    """The other small grants counted against the caps whose realisation starts in the same year."""
    from .models import SmallGrant

    return SmallGrant.objects.filter(status__in=COUNTED_STATES, realisation_start__year=year_of(small_grant)).exclude(
        pk=small_grant.pk
    )


def planned_grant_funds(programme):
    """The year's planned grant funds: the planned funds of the programme's public tasks."""
    return _amount(PublicTask.objects.filter(programme=programme).aggregate(total=Sum("planned_funds"))["total"])


def caps_summary(small_grant, *, on):
    """The caps in force on ``on`` with this offer's figures against them (for the panel and the refusals)."""
    amount = _amount(small_grant.requested_amount)
    year = year_of(small_grant)
    max_amount = _amount(legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_AMOUNT, on=on))
    max_days = int(legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_DAYS, on=on))
    per_organisation = _amount(legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_PER_ORGANISATION_YEAR, on=on))
    share = legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_SHARE_PERCENT, on=on)
    others = others_of_the_year(small_grant) if year else None
    organisation_total = amount + (
        _amount(others.filter(organisation_id=small_grant.organisation_id).aggregate(t=Sum("requested_amount"))["t"])
        if others is not None
        else 0
    )
    pool_total = amount + (_amount(others.aggregate(t=Sum("requested_amount"))["t"]) if others is not None else 0)
    planned = planned_grant_funds(small_grant.programme)
    return {
        "on": on,
        "year": year,
        "amount": amount,
        "max_amount": max_amount,
        "days": duration_days(small_grant),
        "max_days": max_days,
        "organisation_total": pln(organisation_total),
        "per_organisation": per_organisation,
        "pool_total": pln(pool_total),
        "share": share,
        "planned": planned,
        "pool": pln(planned * share / 100),
    }


def cap_refusals(small_grant, *, on):
    """The caps ``small_grant`` breaks on date ``on`` (the submission date in Warsaw), each as a sentence
    naming the cap, its value in force and the amounts; an empty list when all are kept."""
    s = caps_summary(small_grant, on=on)
    refusals = []
    if s["amount"] > s["max_amount"]:
        refusals.append(
            _("The grant requested, %(amount)s, exceeds the limit of %(limit)s per small grant (art. 19a ust. 1).")
            % {"amount": format_pln(s["amount"]), "limit": format_pln(s["max_amount"])}
        )
    if s["days"] is not None and s["days"] > s["max_days"]:
        refusals.append(
            _("The task would last %(days)s days, more than the limit of %(limit)s days (art. 19a ust. 1).")
            % {"days": s["days"], "limit": s["max_days"]}
        )
    if s["year"] is not None and s["organisation_total"] > s["per_organisation"]:
        refusals.append(
            _(
                "In total %(total)s exceeds the limit of %(limit)s per organisation in the year %(year)s "
                "(this offer and the organisation's other small grants starting that year; art. 19a ust. 6)."
            )
            % {
                "total": format_pln(s["organisation_total"]),
                "limit": format_pln(s["per_organisation"]),
                "year": s["year"],
            }
        )
    if s["year"] is not None and s["pool_total"] > s["pool"]:
        refusals.append(
            _(
                "Small grants in the year %(year)s would total %(total)s, more than %(share)s%% of the grant funds "
                "planned in the programme (%(planned)s), i.e. %(pool)s (art. 19a ust. 7)."
            )
            % {
                "year": s["year"],
                "total": format_pln(s["pool_total"]),
                "share": _percent(s["share"]),
                "planned": format_pln(s["planned"]),
                "pool": format_pln(s["pool"]),
            }
        )
    return refusals
