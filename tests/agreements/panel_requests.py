"""The officials' panel URLs of this app, for the refusal tests in tests/calls/test_permissions.py."""

import datetime

from django.utils import timezone

from agreements.enums import AgreementStatus


def panel_request(world, name):
    """(url, POST data) for panel URL pattern ``name``; objects are created in ``world``'s database.

    ``world`` is tests.calls.helpers.World (programme, task and calls in every state).
    """
    from applications.enums import ApplicationStatus
    from tests.agreements.helpers import agreement, resolved_call
    from tests.applications.helpers import offer

    today = timezone.localdate().isoformat()
    if name == "list":
        return ("/panel/agreements/", {})
    if name == "prepare":
        application, _member = offer(resolved_call(), status=ApplicationStatus.AWARDED)
        return (f"/panel/agreements/prepare/offer/{application.pk}/", {})
    if name == "prepare_small_grant":
        from tests.agreements.helpers import small_grant

        return (f"/panel/agreements/prepare/small-grant/{small_grant().pk}/", {})
    status = {
        "mark_ready": AgreementStatus.DRAFT,
        "edit": AgreementStatus.DRAFT,
        "tranches": AgreementStatus.DRAFT,
        "reopen": AgreementStatus.READY,
        "sign": AgreementStatus.READY,
    }.get(name, AgreementStatus.SIGNED)
    made, _member = agreement(status)
    base = f"/panel/agreements/{made.pk}/"
    if name == "payment":
        made.tranches.update(paid_on=None, paid_amount=None)
    if name == "annex_sign":
        made.annexes.create(number=1, subject="Aneks", changes={"grant_amount": "950.00"})
    return {
        "detail": (base, {}),
        "edit": (
            f"{base}edit/",
            {
                "number": "1/2026",
                "realisation_start": made.realisation_start.isoformat(),
                "realisation_end": made.realisation_end.isoformat(),
                "grant_amount": "800,00",
                "allowed_shift_percent": "10",
            },
        ),
        "tranches": (
            f"{base}tranches/",
            {
                "tranches-TOTAL_FORMS": "1",
                "tranches-INITIAL_FORMS": "0",
                "tranches-0-amount": "900,00",
                "tranches-0-due_on": today,
            },
        ),
        "payment": (f"{base}tranches/1/payment/", {"paid_on": today, "paid_amount": "900,00"}),
        "mark_ready": (f"{base}mark-ready/", {}),
        "reopen": (f"{base}reopen/", {"reason": "Poprawka"}),
        "sign": (f"{base}sign/", {"method": "in_office", "signed_on": today}),
        "terminate": (f"{base}terminate/", {"reason": "Powód"}),
        "annex_new": (
            f"{base}annexes/new/",
            {
                "subject": "Przedłużenie",
                "realisation_end": (made.realisation_end + datetime.timedelta(days=5)).isoformat(),
            },
        ),
        "annex_sign": (f"{base}annexes/1/sign/", {"method": "in_office", "signed_on": today}),
    }[name]
