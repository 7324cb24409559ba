"""The officials' panel URLs of this app, for the refusal tests in tests/calls/test_permissions.py."""

import datetime
from decimal import Decimal

from django.utils import timezone


def panel_request(world, name):
    """(url, POST data) for panel URL pattern ``name``; objects are created in ``world``'s database.

    ``world`` is tests.calls.helpers.World (programme, task and calls in every state).
    """
    from reporting.models import FundsReturn
    from tests.reporting.helpers import report

    submitted, _member = report("submitted")
    made = submitted.agreement
    today = timezone.localdate()
    funds_return = FundsReturn.objects.create(
        agreement=made, report=submitted, amount=Decimal("100.00"), due_on=today + datetime.timedelta(days=15)
    )
    return {
        "reports": ("/panel/reports/", {}),
        "report": (f"/panel/reports/{submitted.pk}/", {}),
        "return": (
            f"/panel/reports/{submitted.pk}/return/",
            {"return-comments": "Popraw.", "return-correction_due": (today + datetime.timedelta(days=7)).isoformat()},
        ),
        "accept": (f"/panel/reports/{submitted.pk}/accept/", {"accept-comments": ""}),
        "request_partial": (
            f"/panel/reports/agreements/{made.pk}/partial/",
            {
                "period_start": made.realisation_start.isoformat(),
                "period_end": today.isoformat(),
                "due_on": (today + datetime.timedelta(days=40)).isoformat(),
            },
        ),
        "record_return": (
            f"/panel/reports/returns/{funds_return.pk}/",
            {"returned_on": today.isoformat(), "amount": "100,00"},
        ),
    }[name]
