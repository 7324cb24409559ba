"""The evaluation's documents, in Polish (they are the official record whatever language the site is read in).

- The committee's protocol (*protokół z posiedzenia komisji konkursowej*): the call, the committee
  with roles, the impartiality declarations with the times they were signed, the exclusions with
  their grounds, every scoring card with its points and justifications per criterion, and the
  ranking with the cut-off line. Rendered from the stored record once scoring has closed (nothing in
  it can change afterwards: cards, declarations and exclusions are closed with the scoring) and
  stored the first time it is asked for (:func:`protocol_store`), so every copy is the same file.
- The results (*wyniki otwartego konkursu ofert*): offeror, task and amount awarded, and the offers
  not chosen; stored at publication (:func:`results_pdf`, called by ``decisions.results_publish``).
- The confirmation of an updated offer after a partial award (*aktualizacja oferty*), next to the
  updated offer PDF (:func:`store_update_documents`).

Rendering is a pure function of the database state (``render_pdf``: template + context → bytes).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.documents import TO_BE_FILLED, offer_content
from core.errors import InvalidState
from core.models import StoredDocument
from core.pdf import render_pdf

from .enums import CardStatus, EvaluationStatus
from .models import Decision, Evaluation, Exclusion, ScoreCard
from .ranking import evaluation_ranking

PROTOCOL_KIND = "committee_protocol"
RESULTS_KIND = "call_results"
UPDATED_OFFER_KIND = "offer"
UPDATE_CONFIRMATION_KIND = "offer_update_confirmation"


def _authority():
    return {"authority": settings.AUTHORITY_NAME, "office": settings.AUTHORITY_OFFICE}


def protocol_context(evaluation):
    """Everything the protocol shows, read from the stored record."""
    call = evaluation.call
    criteria = list(call.criteria.all())
    ranking = evaluation_ranking(evaluation)
    members = list(
        evaluation.members.select_related("user", "nominated_by", "declaration").prefetch_related(
            "declaration__linked_organisations"
        )
    )
    exclusions = list(
        Exclusion.objects.filter(member__evaluation=evaluation)
        .select_related("member__user", "application__organisation", "recorded_by")
        .order_by("application_id", "member_id")
    )
    excluded = {(e.member_id, e.application_id) for e in exclusions}
    cards_by_offer = {}
    for card in (
        ScoreCard.objects.filter(member__evaluation=evaluation)
        .select_related("member__user")
        .prefetch_related("scores")
        .order_by("application_id", "member_id")
    ):
        scores = {score.criterion_id: score for score in card.scores.all()}
        cards_by_offer.setdefault(card.application_id, []).append(
            {
                "card": card,
                "member": card.member,
                "submitted": card.status == CardStatus.SUBMITTED,
                "excluded": (card.member_id, card.application_id) in excluded,
                "lines": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
                "total": sum((s.points for s in scores.values() if s.points is not None), 0),
            }
        )
    offers = [
        {
            "row": row,
            "application": row.subject,
            "cards": cards_by_offer.get(row.subject.pk, []),
            "exclusions": [e for e in exclusions if e.application_id == row.subject.pk],
        }
        for row in ranking.rows
    ]
    return {
        **_authority(),
        "evaluation": evaluation,
        "call": call,
        "task": call.task,
        "criteria": criteria,
        "max_total": ranking.max_total,
        "members": members,
        "exclusions": exclusions,
        "offers": offers,
        "ranking": ranking,
        "generated_at": timezone.localtime(),
    }


def protocol_pdf(evaluation) -> bytes:
    with translation.override("pl"):
        return render_pdf("results/protocol_pdf.html", protocol_context(evaluation))


def protocol_store(evaluation):
    """The committee's protocol as a stored document: rendered and stored the first time (after
    scoring has closed), the same file every time after. Effects: one StoredDocument and the
    evaluation's ``protocol_document``, under the evaluation's row lock (two first requests at once
    store one)."""
    with transaction.atomic():
        locked = (
            Evaluation.objects.select_for_update(of=("self",))
            .select_related("call__task", "protocol_document")
            .get(pk=evaluation.pk)
        )
        if locked.protocol_document_id:
            return locked.protocol_document
        if locked.status not in (EvaluationStatus.CLOSED, EvaluationStatus.PUBLISHED):
            raise InvalidState(_("The committee's protocol is drawn up once scoring has closed."))
        document = StoredDocument.store(kind=PROTOCOL_KIND, content=protocol_pdf(locked))
        locked.protocol_document = document
        locked.save(update_fields=["protocol_document", "updated_at"])
        return document


def results_context(evaluation):
    call = evaluation.call
    decisions = list(
        Decision.objects.filter(application__call=call)
        .select_related("application__organisation")
        .order_by("-awarded", "application__organisation__name", "application_id")
    )
    awarded = [d for d in decisions if d.awarded]
    return {
        **_authority(),
        "evaluation": evaluation,
        "call": call,
        "task": call.task,
        "awarded": awarded,
        "not_chosen": [d for d in decisions if not d.awarded],
        "awarded_total": sum((d.amount for d in awarded), 0),
        "published_at": timezone.localtime(evaluation.published_at) if evaluation.published_at else None,
        "site_url": settings.SITE_URL,
    }


def results_pdf(evaluation) -> bytes:
    """The published results: who gets how much for which task, and the offers not chosen."""
    with translation.override("pl"):
        return render_pdf("results/results_pdf.html", results_context(evaluation))


def _offer_context(application, at):
    call = application.call
    return {
        **_authority(),
        "application": application,
        "call": call,
        "task": call.task,
        "organisation": application.organisation,
        "submitted_at": timezone.localtime(at),
        "to_be_filled": TO_BE_FILLED,
        "offer": offer_content(application),
    }


def store_update_documents(application, *, at, awarded_amount, version_number):
    """Render and store the updated offer and the confirmation of its update, submitted at ``at``.

    The updated offer is the offer PDF of the 2018 template as it stands now; the confirmation
    names the update's time, the amount awarded and the offer PDF's SHA-256. Runs inside the
    update's transaction. Effects: two StoredDocument rows and the offer's two document links (like
    a submission: the offer's documents are the latest version's)."""
    with translation.override("pl"):
        context = _offer_context(application, at)
        offer = StoredDocument.store(
            kind=UPDATED_OFFER_KIND, content=render_pdf("applications/offer_pdf.html", context)
        )
        confirmation = StoredDocument.store(
            kind=UPDATE_CONFIRMATION_KIND,
            content=render_pdf(
                "results/update_confirmation_pdf.html",
                {
                    **context,
                    "offer_sha256": offer.sha256,
                    "awarded_amount": awarded_amount,
                    "version_number": version_number,
                },
            ),
        )
    application.offer_document = offer
    application.confirmation_document = confirmation
    application.save(update_fields=["offer_document", "confirmation_document", "updated_at"])
    return offer, confirmation
