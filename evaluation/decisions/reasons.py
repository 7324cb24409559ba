"""Requests for the reasons of choosing or rejecting an offer, and their answers."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Application
from core.enums import LegalParameterKey
from core.errors import DomainError, InvalidState
from core.legal import legal_parameter
from core.money import GROSZ
from core.permissions import require
from core.transitions import record_change
from notifications.services import outbox_write

from ..enums import EvaluationStatus
from ..models import Decision, Evaluation, ReasonRequest, Score
from ..ranking import evaluation_ranking
from ..rules import can_answer_reason_request
from .notices import notify_officials

REQUESTS_PER_ADDRESS_PER_DAY = 20  # one address cannot flood the officials' queue


def reason_request_deadline(evaluation):
    """The last moment to ask for reasons: the end of the day, in Europe/Warsaw, that is
    REASONS_REQUEST_DAYS after the results were published (art. 15 ust. 2j: "w terminie 30 dni od
    dnia ogłoszenia wyników konkursu"); the day of publication is not counted."""
    published_on = timezone.localdate(evaluation.published_at)
    days = int(legal_parameter(LegalParameterKey.REASONS_REQUEST_DAYS, on=published_on))
    last_day = published_on + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time()))


def _count_request(email):
    """Count one request from ``email`` today; False once the address has used up the day's limit."""
    key = f"reason-requests:{timezone.localdate().isoformat()}:{email.lower()}"
    cache.add(key, 0, timeout=60 * 60 * 24)
    try:
        return cache.incr(key) <= REQUESTS_PER_ADDRESS_PER_DAY
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=60 * 60 * 24)
        return True


def reason_request_create(*, application, name, email, question=""):
    """Anyone asks for the reasons why an offer was chosen or not, once the call's results are published.

    Effects: the ReasonRequest row, notices to officials.
    """
    name, email, question = (name or "").strip(), (email or "").strip(), (question or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give your name.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Give an e-mail address the answer can be sent to.")]
    if errors:
        raise DomainError(_("The request was not sent."), errors=errors)
    with transaction.atomic():
        application = Application.objects.select_related("call", "organisation").get(pk=application.pk)
        evaluation = Evaluation.objects.filter(call_id=application.call_id).first()
        if evaluation is None or evaluation.status != EvaluationStatus.PUBLISHED:
            raise InvalidState(_("Reasons can be requested once the results of the call have been published."))
        deadline = reason_request_deadline(evaluation)
        if timezone.now() >= deadline:
            last_day = timezone.localdate(deadline) - datetime.timedelta(days=1)
            raise InvalidState(
                _("Reasons could be requested until %(date)s (art. 15 ust. 2j: within %(days)s days of the results).")
                % {
                    "date": last_day.strftime("%d.%m.%Y"),
                    "days": (last_day - timezone.localdate(evaluation.published_at)).days,
                }
            )
        if not Decision.objects.filter(application=application, published_at__isnull=False).exists():
            raise InvalidState(_("There is no published decision on this offer."))
        if not _count_request(email):
            raise DomainError(
                _("Too many requests were sent from this address today. Please try again tomorrow."),
                code="too_many_requests",
            )
        request = ReasonRequest.objects.create(
            application=application, requester_name=name[:200], requester_email=email, question=question
        )
        notify_officials(
            "reason_requested",
            "reason_requested",
            {"request": request, "application": application, "call": application.call},
            f"reason_requested:{request.pk}",
        )
        return request


def reason_answer_draft(reason_request):
    """A draft answer (in Polish, for the official to check and edit) from the committee's stored
    scores and justifications per criterion and the decision's reason."""
    application = reason_request.application
    evaluation = Evaluation.objects.select_related("call").get(call_id=application.call_id)
    ranking = evaluation_ranking(evaluation)
    row = ranking.row_for(application.pk)
    counted = set(row.totals) if row else set()
    criteria = []
    for criterion in evaluation.call.criteria.all():
        scores = [
            s
            for s in criterion_scores(evaluation, application, criterion)
            if s.card.member_id in counted and s.points is not None
        ]
        mean = sum((s.points for s in scores), Decimal("0")) / len(scores) if scores else None
        criteria.append(
            {
                "criterion": criterion,
                "mean": mean.quantize(GROSZ) if mean is not None else None,
                "justifications": [s.justification.strip() for s in scores if s.justification.strip()],
            }
        )
    decision = Decision.objects.filter(application=application).first()
    with translation.override("pl"):
        return render_to_string(
            "results/reason_answer_draft.txt",
            {
                "request": reason_request,
                "application": application,
                "call": evaluation.call,
                "row": row,
                "ranking": ranking,
                "criteria": criteria,
                "decision": decision,
            },
        ).strip()


def criterion_scores(evaluation, application, criterion):
    return list(
        Score.objects.filter(
            card__application=application, card__member__evaluation=evaluation, criterion=criterion
        ).select_related("card")
    )


def reason_request_answer(*, actor, reason_request, answer):
    """An official (or the approver) answers a request for reasons; the answer is e-mailed to the
    requester and recorded. Refused without an answer, and for a request already answered.
    Effects: the answer, who and when on the request, a StatusChange row, the e-mail (outbox)."""
    require(can_answer_reason_request(actor))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("The answer was not sent."), errors={"answer": [_("Write the answer.")]})
    with transaction.atomic():
        locked = ReasonRequest.objects.select_for_update().get(pk=reason_request.pk)
        if locked.answered_at is not None:
            raise InvalidState(_("This request has already been answered."))
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        record_change(locked, transition="answer", from_state="received", to_state="answered", actor=actor)
        application = Application.objects.select_related("call", "organisation").get(pk=locked.application_id)
        outbox_write(
            event="reason_answered",
            recipient=locked.requester_email,
            template="reason_answer",
            context={"request": locked, "application": application, "call": application.call},
            dedupe_key=f"reason_answered:{locked.pk}",
        )
        return locked
