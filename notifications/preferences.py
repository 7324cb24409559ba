"""Which notices a person may turn off, and the one check every writer of an optional notice makes.

Legally significant notices (submission confirmation, formal outcome, results, report returned…)
are always sent; only the events in :data:`OPTIONAL_EVENTS` can be turned off.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import NoticePreference

# event → what the person sees on the preferences page
OPTIONAL_EVENTS = {
    "call_announced": _("A new call in one of my organisations' spheres"),
    "deadline_reminder": _("An offer deadline in 3 days, while my organisation holds a draft for that call"),
    "scoring_reminder": _("Committee reminders: the impartiality declaration and scoring cards still to do"),
    "report_received": _("A report submitted for review (officials)"),
    "small_grant_received": _("A new small grant offer (officials)"),
    "small_grant_comment": _("A new comment on a small grant offer to moderate"),
}

# Shown as always on (and never consulted by :func:`wants`): the law or the procedure needs them.
MANDATORY_EVENTS = {
    "application_submitted": _("Confirmation that an offer was submitted"),
    "application_formal_outcome": _("The outcome of the formal check, and requests for corrections"),
    "results_outcome": _("The decision on an offer (results of the competition)"),
    "update_required": _("Updating an offer after a partial award, and its outcome"),
    "committee_appointed": _("Appointment to a competition committee"),
    "small_grant_submitted": _("Confirmation that a small grant offer was received"),
    "small_grant_refused": _("A small grant offer refused, with the reason"),
    "agreement_ready": _("Agreements and annexes ready for signing, and their signing"),
    "agreement_signed": _("An agreement signed: realisation starts"),
    "agreement_annex_ready": _("An annex to an agreement ready for signing"),
    "report_returned": _(
        "Reports: requested, submitted, returned for correction or accepted; returns of funds due; report and "
        "return reminders"
    ),
    "membership_decided": _("Decisions on joining an organisation"),
}


def wants(user_or_email, event):
    """Whether the person (a user, or an e-mail address) should be sent an ``event`` notice.

    Mandatory events are always sent. For an optional one, a person who turned it off is not
    written to; an address that belongs to no account is (it has no preferences).
    """
    if event not in OPTIONAL_EVENTS:
        return True
    refusals = NoticePreference.objects.filter(event=event, enabled=False)
    if isinstance(user_or_email, str):
        users = get_user_model().objects.filter(email__iexact=user_or_email.strip())
        return not refusals.filter(user__in=users).exists()
    if user_or_email is None or not getattr(user_or_email, "pk", None):
        return True
    return not refusals.filter(user=user_or_email).exists()


# Optional notices that only officials (and the approver) receive: shown to them only.
STAFF_EVENTS = frozenset({"report_received", "small_grant_received", "small_grant_comment"})


def optional_events_for(user):
    """The optional events ``user`` can receive, with their labels (staff ones for staff only)."""
    from core.roles import is_approver, is_official

    staff = is_official(user) or is_approver(user)
    return {event: label for event, label in OPTIONAL_EVENTS.items() if staff or event not in STAFF_EVENTS}


def preferences_of(user):
    """``{event: enabled}`` for every optional event ``user`` can receive (default on)."""
    stored = dict(NoticePreference.objects.filter(user=user).values_list("event", "enabled"))
    return {event: stored.get(event, True) for event in optional_events_for(user)}


def preferences_save(*, user, choices):
    """Store ``user``'s choices (``{event: bool}``) for the optional events; other keys are ignored,
    so a mandatory notice cannot be turned off. Effects: NoticePreference rows."""
    with transaction.atomic():
        for event in optional_events_for(user):
            NoticePreference.objects.update_or_create(
                user=user, event=event, defaults={"enabled": bool(choices.get(event, False))}
            )
