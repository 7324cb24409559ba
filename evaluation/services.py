"""Writes for the committee's work on a call: appointments, impartiality declarations, exclusions,
scoring cards, opening and closing the scoring, and the reminders before the decision date.

Each function is one transaction and says its effects. Permission checks come from
:mod:`evaluation.rules` (a denial carries its reason); state changes go through
:func:`core.transitions.run_transition`; notices are outbox rows written in the same transaction.
The ranking, the decisions and publishing the results are in ``evaluation.ranking`` /
``evaluation.decisions``.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.enums import SUBMITTED_STATES, ApplicationStatus
from applications.models import Application
from calls.enums import CallStatus
from core.errors import DomainError, InvalidState, NotAllowed
from core.permissions import require
from core.transitions import record_change, run_transition
from notifications.preferences import wants
from notifications.services import outbox_write
from organisations.models import Membership

from .enums import CardStatus, EvaluationStatus, MemberRole
from .models import CommitteeMember, Evaluation, Exclusion, ImpartialityDeclaration, Score, ScoreCard
from .rules import (
    EVALUATED_STATES,
    EVALUATION_TRANSITION_CHECKS,
    NOT_MEMBER,
    can_manage_committee,
    can_record_exclusion,
    can_score,
    can_sign_declaration,
    member_of,
)

# The call states in which a committee may be appointed: once the call is announced (nominations
# are often gathered while offers come in) and until the evaluation ends.
APPOINTING_CALL_STATES = (CallStatus.ANNOUNCED, CallStatus.CLOSED, CallStatus.IN_EVALUATION)

# How many days before the call's "offers chosen by" date the committee is reminded, daily.
REMINDER_DAYS = 3


def evaluation_for(call):
    """The call's evaluation, created (preparing, with the default declaration text) on first use."""
    evaluation, _created = Evaluation.objects.get_or_create(call=call)
    return evaluation


def _locked_evaluation(evaluation):
    return Evaluation.objects.select_for_update().select_related("call").get(pk=evaluation.pk)


def _audit(evaluation, *, actor, what, data):
    """A committee change in the evaluation's history (the status does not change)."""
    record_change(
        evaluation,
        transition=what,
        from_state=evaluation.status,
        to_state=evaluation.status,
        actor=actor,
        data=data,
    )


def _person(user):
    return user.get_full_name() or user.get_username()


def _offering_organisations(call):
    """Organisations with an offer submitted in ``call`` (any state but draft and withdrawn)."""
    return set(
        Application.objects.filter(call=call, status__in=SUBMITTED_STATES).values_list("organisation_id", flat=True)
    )


def _nominee_refusal(organisation):
    return _(
        "%(organisation)s has submitted an offer in this call: persons it nominates may not sit on the "
        "committee (art. 15 ust. 2d)."
    ) % {"organisation": organisation.name}


# --- The committee ----------------------------------------------------------------------------------


def member_appoint(*, actor, evaluation, user, role, is_chair=False, nominated_by=None):
    """Appoint ``user`` to the committee of ``evaluation``'s call.

    Refused (``DomainError`` with field errors) for an inactive person or one already on the
    committee, an NGO nominee without a nominating organisation or nominated by an organisation
    with an offer submitted in the call, an expert as chair (experts do not vote), and a second
    chair (move the chair with :func:`member_make_chair`).
    Effects: one CommitteeMember row, an entry in the evaluation's history, an appointment notice
    to the person (outbox).
    """
    with transaction.atomic():
        locked = _locked_evaluation(evaluation)
        require(can_manage_committee(actor, locked))
        call = locked.call
        if call.status not in APPOINTING_CALL_STATES:
            raise InvalidState(
                _("A committee is appointed for a call that is announced, closed or in evaluation (now: %(status)s).")
                % {"status": call.get_status_display()}
            )
        errors = {}
        if not user.is_active:
            errors["user"] = [_("This account is not active.")]
        elif locked.members.filter(user=user).exists():
            errors["user"] = [_("%(person)s is already on this committee.") % {"person": _person(user)}]
        if role not in MemberRole.values:
            errors["role"] = [_("Choose the member's role.")]
        if role == MemberRole.NGO_NOMINEE:
            if nominated_by is None:
                errors["nominated_by"] = [_("Choose the organisation that nominated this person.")]
            elif nominated_by.pk in _offering_organisations(call):
                errors["nominated_by"] = [_nominee_refusal(nominated_by)]
        elif nominated_by is not None:
            errors["nominated_by"] = [_("Only persons nominated by organisations have a nominating organisation.")]
        if is_chair:
            chair = locked.members.filter(is_chair=True).select_related("user").first()
            if role == MemberRole.EXPERT:
                errors["is_chair"] = [_("An expert advises and does not vote, so cannot chair the committee.")]
            elif chair is not None:
                errors["is_chair"] = [
                    _(
                        "%(person)s already chairs the committee. Appoint this member without the chair, "
                        "then make them the chair: the chair moves explicitly."
                    )
                    % {"person": _person(chair.user)}
                ]
        if errors:
            first = next(iter(errors.values()))[0]
            raise DomainError(first, code="appointment_refused", errors=errors)
        try:
            with transaction.atomic():
                member = CommitteeMember.objects.create(
                    evaluation=locked,
                    user=user,
                    role=role,
                    is_chair=bool(is_chair),
                    nominated_by=nominated_by,
                    appointed_by=actor,
                )
        except IntegrityError as exc:  # a concurrent appointment of the same person
            message = _("%(person)s is already on this committee.") % {"person": _person(user)}
            raise DomainError(message, errors={"user": [message]}) from exc
        _audit(
            locked,
            actor=actor,
            what="member_appoint",
            data={
                "user": user.pk,
                "role": role,
                "chair": bool(is_chair),
                "nominated_by": getattr(nominated_by, "pk", None),
            },
        )
        if user.email:
            outbox_write(
                event="committee_appointed",
                recipient=user.email,
                template="committee_appointed",
                context={"member": member, "person": user, "call": call, "evaluation": locked},
                dedupe_key=f"committee_appointed:{member.pk}",
            )
        return member


def member_make_chair(*, actor, member):
    """Make ``member`` the chair; the previous chair (if any) stays a member. Experts cannot chair.
    Effects: the chair flags of both members, an entry in the evaluation's history."""
    with transaction.atomic():
        locked = _locked_evaluation(member.evaluation)
        require(can_manage_committee(actor, locked))
        member = CommitteeMember.objects.select_related("user").get(pk=member.pk)
        if not member.votes:
            message = _("An expert advises and does not vote, so cannot chair the committee.")
            raise DomainError(message, errors={"is_chair": [message]})
        if member.is_chair:
            return member
        previous = locked.members.filter(is_chair=True).first()
        if previous is not None:
            previous.is_chair = False
            previous.save(update_fields=["is_chair"])
        member.is_chair = True
        member.save(update_fields=["is_chair"])
        _audit(
            locked,
            actor=actor,
            what="member_make_chair",
            data={"user": member.user_id, "previous": previous.user_id if previous else None},
        )
        return member


def member_remove(*, actor, member, reason=""):
    """Remove ``member`` from the committee, only while they have no scoring card (a card, even a draft,
    is part of the committee's record). Effects: the member's row, declaration and exclusions are
    deleted; the evaluation's history keeps who was removed, by whom and why."""
    with transaction.atomic():
        locked = _locked_evaluation(member.evaluation)
        require(can_manage_committee(actor, locked))
        member = CommitteeMember.objects.select_for_update().select_related("user").get(pk=member.pk)
        if member.cards.exists():
            raise DomainError(
                _("%(person)s has already scored offers in this call and cannot be removed from the committee.")
                % {"person": _person(member.user)},
                code="member_has_scored",
            )
        data = {
            "user": member.user_id,
            "role": member.role,
            "chair": member.is_chair,
            "signed": hasattr(member, "declaration"),
            "exclusions": list(member.exclusions.values_list("application_id", flat=True)),
        }
        member.delete()
        record_change(
            locked,
            transition="member_remove",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            reason=reason,
            data=data,
        )


# --- Impartiality ----------------------------------------------------------------------------------


def _automatic_ground(kind, organisation):
    # Stored in the site's language: the exclusion is part of the committee's record.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "membership":
            return _(
                "A member of the offering organisation %(organisation)s (automatic exclusion, KPA art. 24 § 1)."
            ) % {"organisation": organisation.name}
        return _(
            "A link with the offering organisation %(organisation)s declared in the impartiality declaration "
            "(automatic exclusion, KPA art. 24 § 3)."
        ) % {"organisation": organisation.name}


def declaration_sign(*, actor, evaluation, linked_organisations=()):
    """The member signs the impartiality declaration of ``evaluation``'s call.

    Effects: an ImpartialityDeclaration with the text as shown and its SHA-256, the declared links,
    and an automatic Exclusion from every offer submitted in the call by an organisation the member
    is a confirmed member of or declared a link with.
    """
    with transaction.atomic():
        locked = _locked_evaluation(evaluation)
        require(can_sign_declaration(actor, locked))
        member = CommitteeMember.objects.select_for_update().get(pk=member_of(actor, locked).pk)
        declaration = ImpartialityDeclaration.objects.create(
            member=member,
            text=locked.declaration_text,
            text_sha256=locked.declaration_sha256,
            signed_at=timezone.now(),
        )
        linked = list(linked_organisations)
        declaration.linked_organisations.set(linked)
        member_of_organisations = set(
            Membership.objects.filter(user=actor, confirmed_at__isnull=False).values_list("organisation_id", flat=True)
        )
        linked_ids = {organisation.pk for organisation in linked}
        offers = Application.objects.filter(call=locked.call, status__in=SUBMITTED_STATES).select_related(
            "organisation"
        )
        for application in offers:
            if application.organisation_id in member_of_organisations:
                ground = _automatic_ground("membership", application.organisation)
            elif application.organisation_id in linked_ids:
                ground = _automatic_ground("link", application.organisation)
            else:
                continue
            Exclusion.objects.get_or_create(
                member=member,
                application=application,
                defaults={"ground": ground, "automatic": True, "recorded_by": None},
            )
        return declaration


def exclusion_record(*, actor, member, application, ground):
    """Exclude ``member`` from ``application`` on ``ground`` (KPA art. 24): the member themselves, the
    chair or an official. Effects: one Exclusion row. The member's card for that offer, if any, no
    longer counts (the ranking leaves excluded members out)."""
    ground = (ground or "").strip()
    with transaction.atomic():
        locked = _locked_evaluation(member.evaluation)
        require(can_record_exclusion(actor, locked, member))
        errors = {}
        if application.call_id != locked.call_id:
            errors["application"] = [_("This offer is not in this call.")]
        elif member.exclusions.filter(application=application).exists():
            errors["application"] = [_("This member is already excluded from this offer.")]
        if not ground:
            errors["ground"] = [_("Give the ground for the exclusion (KPA art. 24).")]
        if errors:
            raise DomainError(next(iter(errors.values()))[0], code="exclusion_refused", errors=errors)
        return Exclusion.objects.create(
            member=member,
            application=application,
            ground=ground,
            automatic=False,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )


# --- Scoring cards ---------------------------------------------------------------------------------


def points_display(value):
    """Points as people read them: "10", "7,5" (the current language's separator)."""
    return floatformat(value, "-2")


def points_field(criterion):
    """The name under which a criterion's points are reported in errors (the card form's field)."""
    return f"points_{criterion.pk}"


def justification_field(criterion):
    return f"justification_{criterion.pk}"


def parse_points(value):
    """``value`` (a number or a string typed with a comma or a dot) as a Decimal, ``None`` when blank;
    raises ``ValueError`` for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if text.count(",") + text.count(".") > 1:
            raise ValueError(value)
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def _points_error(criterion, value):
    """The refusal for points ``value`` of ``criterion``, or ``None`` if they may be stored."""
    maximum = points_display(criterion.max_points)
    try:
        points = parse_points(value)
    except ValueError:
        return _("Give the points as a number from 0 to %(max)s.") % {"max": maximum}
    if points is None:
        return None
    if points < 0 or points > criterion.max_points:
        return _("The points must be from 0 to %(max)s.") % {"max": maximum}
    if points != points.quantize(Decimal("0.01")):
        return _("Give the points with at most two decimal places.")
    return None


def _card_context(actor, application):
    """(locked evaluation, the actor's seat, the actor's card or None) for scoring ``application``."""
    evaluation = Evaluation.objects.filter(call_id=application.call_id).first()
    if evaluation is None:
        raise NotAllowed(NOT_MEMBER)
    locked = _locked_evaluation(evaluation)
    member = member_of(actor, locked)
    card = None
    if member is not None:
        card = ScoreCard.objects.select_for_update().filter(member=member, application=application).first()
    return locked, member, card


def card_save(*, actor, application, scores, remarks=""):
    """Save the actor's scoring card for ``application`` as a draft: ``scores`` maps a criterion's pk
    to ``(points, justification)``; points may be blank in a draft.

    Refused (nothing stored; field errors named ``points_<pk>``) when points are not a number from 0
    to the criterion's maximum with at most two decimals, or a criterion is not the call's. Only the
    member's own card, after signing, when not excluded, while scoring is open and the card is not
    submitted (:func:`evaluation.rules.can_score`). Effects: the card and its Score rows.
    """
    with transaction.atomic():
        evaluation, member, card = _card_context(actor, application)
        application = Application.objects.get(pk=application.pk)
        require(can_score(actor, evaluation, application, card))
        criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
        errors, parsed = {}, {}
        for key, value in (scores or {}).items():
            points, justification = value
            criterion = criteria.get(int(key)) if str(key).isascii() and str(key).isdigit() else None
            if criterion is None:
                errors.setdefault("__all__", []).append(_("A criterion that is not the call's was sent."))
                continue
            problem = _points_error(criterion, points)
            if problem:
                errors[points_field(criterion)] = [problem]
                continue
            parsed[criterion.pk] = (parse_points(points), (justification or "").replace("\x00", ""))
        if errors:
            raise DomainError(
                _("The card was not saved: correct the points marked below."), code="card_invalid", errors=errors
            )
        if card is None:
            card = ScoreCard.objects.create(member=member, application=application)
        card.remarks = (remarks or "").replace("\x00", "")
        card.save(update_fields=["remarks", "updated_at"])
        for pk, (points, justification) in parsed.items():
            Score.objects.update_or_create(
                card=card, criterion=criteria[pk], defaults={"points": points, "justification": justification}
            )
        return card


def card_missing(card):
    """What keeps ``card`` from being submitted: field name -> message, in the criteria's order."""
    scores = {score.criterion_id: score for score in card.scores.all()}
    missing = {}
    for criterion in card.application.call.criteria.all():
        score = scores.get(criterion.pk)
        maximum = points_display(criterion.max_points)
        if score is None or score.points is None:
            missing[points_field(criterion)] = _("%(criterion)s: give the points (0 to %(max)s).") % {
                "criterion": criterion.name,
                "max": maximum,
            }
        elif not Decimal(0) <= score.points <= criterion.max_points:
            missing[points_field(criterion)] = _("%(criterion)s: the points must be from 0 to %(max)s.") % {
                "criterion": criterion.name,
                "max": maximum,
            }
        if score is None or not score.justification.strip():
            missing[justification_field(criterion)] = _("%(criterion)s: give the justification.") % {
                "criterion": criterion.name
            }
    return missing


def _card_checks(evaluation):
    return {"submit": lambda user, card: can_score(user, evaluation, card.application, card)}


def card_submit(*, actor, application):
    """Submit the actor's card for ``application``: from then on it cannot change.

    Refused (code ``card_incomplete``, every gap listed in ``errors``) unless every criterion of the
    call has points within 0..max and a justification. Effects: the card's status and submission
    time, a StatusChange row on the card.
    """
    with transaction.atomic():
        evaluation, member, card = _card_context(actor, application)
        application = Application.objects.select_related("call").get(pk=application.pk)
        require(can_score(actor, evaluation, application, card))
        if card is None:
            raise DomainError(
                _("Fill in the card before submitting it."),
                code="card_incomplete",
                errors={"__all__": [_("Fill in the card before submitting it.")]},
            )
        card.application = application
        missing = card_missing(card)
        if missing:
            raise DomainError(
                _("The card was not submitted: every criterion needs points and a justification."),
                code="card_incomplete",
                errors={field: [message] for field, message in missing.items()},
            )
        return run_transition(obj=card, name="submit", actor=actor, checks=_card_checks(evaluation))


# --- Opening and closing the scoring ---------------------------------------------------------------


def scoring_open_problems(evaluation):
    """What keeps the scoring from opening: a list of reasons (empty when it may open)."""
    problems = []
    call = evaluation.call
    if call.status != CallStatus.IN_EVALUATION:
        problems.append(_("The call must be in evaluation (now: %(status)s).") % {"status": call.get_status_display()})
    members = list(evaluation.members.select_related("nominated_by")) if evaluation.pk else []
    if not any(member.is_chair for member in members):
        problems.append(_("The committee has no chair."))
    if not any(member.votes for member in members):
        problems.append(_("The committee has no voting member (experts do not vote)."))
    pending = call.applications.filter(
        status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED_FOR_CORRECTION)
    ).count()
    if pending:
        problems.append(
            ngettext(
                "%(count)s offer still waits for the formal check (or its correction).",
                "%(count)s offers still wait for the formal check (or their correction).",
                pending,
            )
            % {"count": pending}
        )
    offering = _offering_organisations(call)
    for member in members:
        if member.nominated_by_id in offering:
            problems.append(
                _("%(person)s: %(reason)s") % {"person": member, "reason": _nominee_refusal(member.nominated_by)}
            )
    return problems


def scoring_open(*, actor, evaluation, reason=""):
    """Open the scoring (officials), once the call is in evaluation and the committee has a chair and
    at least one voting member. Refused with every missing item listed (code ``not_ready``).
    Effects: status → scoring, a StatusChange row."""
    with transaction.atomic():
        locked = _locked_evaluation(evaluation)
        require(EVALUATION_TRANSITION_CHECKS["open_scoring"](actor, locked))
        if locked.status == EvaluationStatus.PREPARING:
            problems = scoring_open_problems(locked)
            if problems:
                raise DomainError(
                    _("The scoring cannot be opened yet."), code="not_ready", errors={"__all__": problems}
                )
        return run_transition(
            obj=locked, name="open_scoring", actor=actor, checks=EVALUATION_TRANSITION_CHECKS, reason=reason
        )


def missing_cards(evaluation):
    """(member, offer) pairs still without a submitted card: voting members who are not excluded,
    for every offer the committee scores. Unsigned members count too."""
    offers = list(Application.objects.filter(call_id=evaluation.call_id, status__in=EVALUATED_STATES))
    voting = [m for m in evaluation.members.select_related("user") if m.votes]
    excluded = set(Exclusion.objects.filter(member__evaluation=evaluation).values_list("member_id", "application_id"))
    submitted = set(
        ScoreCard.objects.filter(member__evaluation=evaluation, status=CardStatus.SUBMITTED).values_list(
            "member_id", "application_id"
        )
    )
    return [
        (member, offer)
        for member in voting
        for offer in offers
        if (member.pk, offer.pk) not in excluded and (member.pk, offer.pk) not in submitted
    ]


def scoring_close(*, actor, evaluation, reason=""):
    """Close the scoring (the chair, or an official). Cards not submitted by then do not count.

    Effects, in one transaction: status → closed, a StatusChange row; every formally accepted offer
    of the call → scored (Application.mark_scored, each with its StatusChange row), locked in pk order.
    """

    def mark_offers_scored(closed):
        if closed.call.status != CallStatus.IN_EVALUATION:
            raise InvalidState(
                _("The call is “%(status)s”: its scoring can no longer be closed.")
                % {"status": closed.call.get_status_display()}
            )
        check = EVALUATION_TRANSITION_CHECKS["close_scoring"]
        checks = {"mark_scored": lambda user, application: check(user, closed)}
        offers = Application.objects.select_for_update().filter(
            call_id=closed.call_id, status=ApplicationStatus.FORMALLY_ACCEPTED
        )
        for application in offers.order_by("pk"):
            run_transition(obj=application, name="mark_scored", actor=actor, checks=checks, reason=reason)

    return run_transition(
        obj=evaluation,
        name="close_scoring",
        actor=actor,
        checks=EVALUATION_TRANSITION_CHECKS,
        reason=reason,
        within=mark_offers_scored,
    )


# --- Reminders ---------------------------------------------------------------------------------------


def _reminder_recipients(evaluation):
    """(member, offers left to score or None for "sign first") for the members to remind."""
    missing = {}
    if evaluation.status == EvaluationStatus.SCORING:
        for member, offer in missing_cards(evaluation):
            missing.setdefault(member.pk, []).append(offer)
    recipients = []
    for member in evaluation.members.select_related("user", "declaration"):
        if not hasattr(member, "declaration"):
            recipients.append((member, None))
        elif missing.get(member.pk):
            recipients.append((member, missing[member.pk]))
    return recipients


def scoring_reminders_write(*, now=None):
    """Remind the committee as the call's "offers chosen by" date nears (within REMINDER_DAYS days,
    that day included): members who have not signed the declaration, and voting members with offers
    still without a submitted card (offers they are excluded from do not count).

    At most one reminder per member per day (the outbox's dedupe key). Returns how many were written.
    Effects: outbox rows.
    """
    today = timezone.localdate(now or timezone.now())
    last_day = today + datetime.timedelta(days=REMINDER_DAYS)
    evaluations = Evaluation.objects.filter(
        status__in=(EvaluationStatus.PREPARING, EvaluationStatus.SCORING),
        call__status=CallStatus.IN_EVALUATION,
        call__decision_by__gte=today,
        call__decision_by__lte=last_day,
    ).select_related("call")
    written = 0
    for evaluation in evaluations:
        with transaction.atomic():
            for member, offers in _reminder_recipients(evaluation):
                if not member.user.email or not member.user.is_active or not wants(member.user, "scoring_reminder"):
                    continue
                message = outbox_write(
                    event="scoring_reminder",
                    recipient=member.user.email,
                    template="scoring_reminder",
                    context={
                        "person": member.user,
                        "member": member,
                        "call": evaluation.call,
                        "evaluation": evaluation,
                        "offers_left": len(offers) if offers else 0,
                        "must_sign": offers is None,
                        "days_left": (evaluation.call.decision_by - today).days,
                    },
                    dedupe_key=f"scoring_reminder:{member.pk}:{today.isoformat()}",
                )
                written += message is not None
    return written
