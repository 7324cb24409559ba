"""REST API for the committee's work on a call and the approver's decisions.

- ``evaluations/``: the evaluations a person may know of (officials and the approver: all; a
  committee member: theirs; anyone else: none — 404). Transitions ``open_scoring``,
  ``close_scoring``, ``publish``; the member's ``declaration`` and ``sign_declaration``; the chair's
  and officials' ``progress`` (card states, never points); ``ranking`` and ``protocol_pdf`` once
  scores may be seen (:func:`evaluation.rules.can_see_scores`).
- ``evaluations/<id>/members/``: the committee; officials appoint, remove and name the chair.
- ``evaluations/<id>/exclusions/``: exclusions on the record (KPA art. 24); recording one.
- ``evaluations/<id>/offers/``: the offers as a member reads them — only after signing the
  declaration, an excluded offer without its content; ``…/offers/<offer>/card/`` the member's own
  scoring card (GET, PUT a draft) and ``…/card/submit/``.
- ``evaluations/<id>/decisions/``: the approver's decisions, prepared one per offer.
- ``results/<call>/``: the published results of a call, for everyone.
- ``reason-requests/``: anyone asks for the reasons of a published decision; officials answer.

Who may know that something exists is decided first (404 otherwise, as for an offer of another
organisation); a known object someone may not act on answers 403 with the reason from
:mod:`evaluation.rules`; a refused body answers 400 with the service's message and field errors.
Permission is checked before a body is read, so nobody learns anything from a validation error.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.reverse import reverse

from applications.attachment_api import AnyAcceptNegotiation
from applications.document_views import document_response, stored_document_response
from applications.models import Application
from calls.models import Call
from calls.serializers import ReasonSerializer
from core.errors import DomainError, InvalidState, NotAllowed
from core.permissions import ALLOW, deny, require
from core.roles import is_approver, is_official

from . import decisions, documents, ranking, services
from .enums import EvaluationStatus
from .models import CommitteeMember, Decision, Evaluation, Exclusion, ReasonRequest, ScoreCard
from .rules import (
    EVALUATED_STATES,
    EVALUATION_TRANSITION_CHECKS,
    EXPERT,
    NOT_MEMBER,
    NOT_SIGNED,
    can_answer_reason_request,
    can_decide,
    can_manage_committee,
    can_read_offer,
    can_record_exclusion,
    can_score,
    can_see_progress,
    can_see_scores,
    can_sign_declaration,
    has_signed,
    member_of,
    visible_evaluations_q,
)
from .selectors import scoring_progress
from .serializers import (
    AppointSerializer,
    CardSerializer,
    CardWriteSerializer,
    CommitteeOfferDetailSerializer,
    CommitteeOfferSerializer,
    DecisionSerializer,
    DecisionWriteSerializer,
    DeclarationSerializer,
    EvaluationCreateSerializer,
    EvaluationSerializer,
    ExclusionCreateSerializer,
    ExclusionSerializer,
    MemberSerializer,
    ProgressSerializer,
    RankingSerializer,
    ReasonAnswerSerializer,
    ReasonDraftSerializer,
    RequestForReasonsCreateSerializer,
    RequestForReasonsReceivedSerializer,
    RequestForReasonsSerializer,
    ResultsSerializer,
    SignDeclarationSerializer,
    declaration_representation,
    progress_representation,
    ranking_representation,
)

EVALUATION_PK = OpenApiParameter(
    "evaluation_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evaluation (one per call)."
)
OFFER_PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The offer.")
MEMBER_PK = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The seat on the committee.")
CALL_PK = OpenApiParameter("call", OpenApiTypes.INT, OpenApiParameter.PATH, description="The call.")


def _pdf(description):
    return extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=description)},
    )


def visible_evaluations(user):
    return Evaluation.objects.filter(pk__in=Evaluation.objects.filter(visible_evaluations_q(user)).values("pk"))


def _members_prefetch():
    return Prefetch("members", queryset=CommitteeMember.objects.select_related("user", "declaration", "nominated_by"))


def _int(value):
    """``value`` from a body as an id, or ``None`` (a bool is not an id)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63 else None


# --- Evaluations --------------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=EvaluationCreateSerializer,
        responses={201: EvaluationSerializer, 200: EvaluationSerializer},
        description="Set up the call's evaluation (officials), or get it if it exists: 201 when created.",
    )
)
class EvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The committee's work on one call: status, committee, what the requesting person may do next."""

    serializer_class = EvaluationSerializer
    lookup_value_regex = r"[0-9]+"
    # Visibility decides (404 for what one may not know of); the rules decide each action (403 with the reason).
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["call", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return (
            visible_evaluations(self.request.user)
            .select_related("call")
            .prefetch_related(_members_prefetch())
            .order_by("pk")
        )

    def _respond(self, evaluation, status_code=status.HTTP_200_OK):
        evaluation = self.get_queryset().get(pk=evaluation.pk)
        return Response(self.get_serializer(evaluation).data, status=status_code)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not is_official(user):
            raise NotAllowed(_("Only officials of the NGO Centre may do this."))
        body = EvaluationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call = Call.objects.filter(pk=body.validated_data["call"]).first()
        if call is None:
            raise NotFound(_("There is no such call."))
        existing = Evaluation.objects.filter(call=call).first()
        if existing is not None:
            return self._respond(existing)
        if call.status not in services.APPOINTING_CALL_STATES:
            raise InvalidState(
                _("A committee is appointed for a call that is announced, closed or in evaluation (now: %(status)s).")
                % {"status": call.get_status_display()}
            )
        return self._respond(services.evaluation_for(call), status.HTTP_201_CREATED)

    def _transition(self, name):
        """The evaluation, once the user may run ``name`` on it (checked before the body is read)."""
        evaluation = self.get_object()
        require(EVALUATION_TRANSITION_CHECKS[name](self.request.user, evaluation))
        body = ReasonSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return evaluation, body.validated_data.get("reason", "")

    @extend_schema(request=ReasonSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def open_scoring(self, request, pk=None):
        """Open the scoring (officials): refused with every missing item (code ``not_ready``)."""
        evaluation, reason = self._transition("open_scoring")
        return self._respond(services.scoring_open(actor=request.user, evaluation=evaluation, reason=reason))

    @extend_schema(request=ReasonSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def close_scoring(self, request, pk=None):
        """Close the scoring (the chair or an official); cards not submitted by then do not count."""
        evaluation, reason = self._transition("close_scoring")
        return self._respond(services.scoring_close(actor=request.user, evaluation=evaluation, reason=reason))

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the approver's decisions together: the offers' outcomes, the call resolved, the results
        PDF, notices to applicants and press notes. Publishing again is refused (nothing is sent twice)."""
        evaluation = self.get_object()
        require(EVALUATION_TRANSITION_CHECKS["publish"](request.user, evaluation))
        return self._respond(decisions.results_publish(actor=request.user, evaluation=evaluation))

    def _seat(self, evaluation):
        member = member_of(self.request.user, evaluation)
        if member is None:
            raise NotAllowed(NOT_MEMBER)
        return member

    @extend_schema(request=None, responses=DeclarationSerializer)
    @action(detail=True, methods=["get"])
    def declaration(self, request, pk=None):
        """The impartiality declaration of this call for the requesting member: the text to sign, or as signed."""
        evaluation = self.get_object()
        member = self._seat(evaluation)
        return Response(DeclarationSerializer(declaration_representation(evaluation, member)).data)

    @extend_schema(request=SignDeclarationSerializer, responses={201: DeclarationSerializer})
    @action(detail=True, methods=["post"])
    def sign_declaration(self, request, pk=None):
        """Sign the impartiality declaration (the text as in ``declaration``); from then on the offers are shown,
        except those of organisations you are a member of or declared a link with (you are excluded)."""
        evaluation = self.get_object()
        require(can_sign_declaration(request.user, evaluation))
        body = SignDeclarationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.declaration_sign(
            actor=request.user,
            evaluation=evaluation,
            linked_organisations=body.validated_data.get("linked_organisations", []),
        )
        member = member_of(request.user, evaluation)
        data = DeclarationSerializer(declaration_representation(evaluation, member)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ProgressSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request, pk=None):
        """Who scored what (the chair, officials, the approver): card states, never points."""
        evaluation = self.get_object()
        require(can_see_progress(request.user, evaluation))
        return Response(ProgressSerializer(progress_representation(evaluation, scoring_progress(evaluation))).data)

    @extend_schema(request=None, responses=RankingSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ranking(self, request, pk=None):
        """The ranking with each member's totals, the minimum score and the cut-off line — once scoring has
        closed (signed members, officials, the approver)."""
        evaluation = self.get_object()
        require(can_see_scores(request.user, evaluation))
        return Response(RankingSerializer(ranking_representation(ranking.evaluation_ranking(evaluation))).data)

    @_pdf("The committee's protocol with every card (stored the first time it is asked for).")
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
    def protocol_pdf(self, request, pk=None):
        """The committee's protocol (header X-Content-SHA256), once scoring has closed."""
        evaluation = self.get_object()
        require(can_see_scores(request.user, evaluation))
        document = documents.protocol_store(evaluation)
        return stored_document_response(document, f"protokol-komisji-{evaluation.call_id}.pdf")


class NestedInEvaluationMixin:
    """For views under ``evaluations/<evaluation_pk>/``: the evaluation, if the user may know of it, else 404."""

    lookup_value_regex = r"[0-9]+"

    def get_evaluation(self):
        if not hasattr(self, "_evaluation"):
            self._evaluation = get_object_or_404(
                visible_evaluations(self.request.user).select_related("call"), pk=self.kwargs["evaluation_pk"]
            )
        return self._evaluation


# --- Members ------------------------------------------------------------------------------------------------


@extend_schema(parameters=[EVALUATION_PK])
@extend_schema_view(
    create=extend_schema(request=AppointSerializer, responses={201: MemberSerializer}),
    remove=extend_schema(parameters=[MEMBER_PK], request=ReasonSerializer, responses={204: None}),
    make_chair=extend_schema(parameters=[MEMBER_PK], request=None, responses=MemberSerializer),
)
class CommitteeMemberViewSet(NestedInEvaluationMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The committee (names and roles only); officials appoint (an appointment notice is sent), remove
    (only a member without any card) and name the chair."""

    serializer_class = MemberSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CommitteeMember.objects.none()
        return (
            CommitteeMember.objects.filter(evaluation=self.get_evaluation())
            .select_related("user", "declaration", "nominated_by")
            .order_by("-is_chair", "pk")
        )

    def _member(self):
        """The seat named in the URL, once the user may change the committee."""
        evaluation = self.get_evaluation()
        member = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        require(can_manage_committee(self.request.user, evaluation))
        return member

    def create(self, request, evaluation_pk=None):
        """Appoint a person (``email`` of their account) as an official, an NGO nominee (with ``nominated_by``)
        or an expert; ``is_chair`` for the chair (refused while another member chairs: use make_chair)."""
        evaluation = self.get_evaluation()
        require(can_manage_committee(request.user, evaluation))
        body = AppointSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.member_appoint(actor=request.user, evaluation=evaluation, **body.service_arguments())
        return Response(MemberSerializer(self.get_queryset().get(pk=member.pk)).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def remove(self, request, evaluation_pk=None, pk=None):
        """Remove a member who has no scoring card yet (the history keeps who, by whom and why)."""
        member = self._member()
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.member_remove(actor=request.user, member=member, reason=body.validated_data.get("reason", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def make_chair(self, request, evaluation_pk=None, pk=None):
        """Make this member the chair (the previous chair stays a member); experts cannot chair."""
        member = services.member_make_chair(actor=request.user, member=self._member())
        return Response(MemberSerializer(self.get_queryset().get(pk=member.pk)).data)


# --- Exclusions ---------------------------------------------------------------------------------------------


def _signed_seat(user, evaluation):
    """The user's signed seat; 403 with the reason for one who has no seat or has not signed."""
    member = member_of(user, evaluation)
    if member is None:
        raise NotAllowed(NOT_MEMBER)
    if not has_signed(member):
        raise NotAllowed(NOT_SIGNED)
    return member


@extend_schema(parameters=[EVALUATION_PK])
@extend_schema_view(create=extend_schema(request=ExclusionCreateSerializer, responses={201: ExclusionSerializer}))
class ExclusionViewSet(NestedInEvaluationMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Exclusions on the record (KPA art. 24): officials, the approver and the chair see all of them, a
    member who signed their own. A member records their own, the chair and officials anyone's."""

    serializer_class = ExclusionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Exclusion.objects.none()
        evaluation = self.get_evaluation()
        exclusions = (
            Exclusion.objects.filter(member__evaluation=evaluation)
            .select_related("member__user", "application__organisation", "recorded_by")
            .order_by("application_id", "member_id")
        )
        user = self.request.user
        if is_official(user) or is_approver(user):
            return exclusions
        member = _signed_seat(user, evaluation)
        return exclusions if member.is_chair else exclusions.filter(member=member)

    def create(self, request, evaluation_pk=None):
        evaluation = self.get_evaluation()
        user = request.user
        # Refused before the body is read: a member who has not signed (they know no offer), or once
        # scoring has closed; whom a member may exclude (themselves; the chair anyone) the service decides.
        own = member_of(user, evaluation) if is_official(user) else _signed_seat(user, evaluation)
        require(can_record_exclusion(user, evaluation, own))
        body = ExclusionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        member = evaluation.members.filter(pk=_int(data["member"]) or 0).first()
        if member is None:
            raise _invalid("member", _("This person is not a member of this committee."))
        offer = Application.objects.filter(
            pk=_int(data["application"]) or 0, call_id=evaluation.call_id, status__in=EVALUATED_STATES
        ).first()
        if offer is None:
            raise _invalid("application", _("This offer is not among those the committee evaluates."))
        exclusion = services.exclusion_record(actor=user, member=member, application=offer, ground=data["ground"])
        exclusion = Exclusion.objects.select_related("member__user", "application__organisation", "recorded_by").get(
            pk=exclusion.pk
        )
        return Response(ExclusionSerializer(exclusion).data, status=status.HTTP_201_CREATED)


def _invalid(field, message):
    """A refused body naming the field (as a service refusal reads)."""
    return DomainError(message, errors={field: [message]})


# --- Offers and cards ---------------------------------------------------------------------------------------


def _card_representation(evaluation, member, application, card):
    criteria = list(application.call.criteria.all())
    scores = {score.criterion_id: score for score in card.scores.all()} if card is not None else {}
    lines = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        lines.append(
            {
                "criterion": criterion.pk,
                "criterion_name": criterion.name,
                "max_points": criterion.max_points,
                "points": score.points if score else None,
                "justification": score.justification if score else "",
            }
        )
    editable = can_score(member.user, evaluation, application, card)
    if card is not None:
        card.application = application
    return {
        "application": application.pk,
        "status": card.status if card else None,
        "remarks": card.remarks if card else "",
        "scores": lines,
        "total": ranking.card_total(line["points"] for line in lines),
        "updated_at": card.updated_at if card else None,
        "submitted_at": card.submitted_at if card else None,
        "editable": editable.allowed,
        "not_editable_reason": str(editable.reason),
        "missing": services.card_missing(card) if card is not None else {},
    }


@extend_schema(parameters=[EVALUATION_PK])
@extend_schema_view(
    retrieve=extend_schema(parameters=[OFFER_PK]),
    offer_pdf=extend_schema(parameters=[OFFER_PK]),
    card=extend_schema(parameters=[OFFER_PK]),
    submit_card=extend_schema(parameters=[OFFER_PK]),
)
class CommitteeOfferViewSet(NestedInEvaluationMixin, viewsets.GenericViewSet):
    """The offers as a committee member reads them, and the member's own scoring cards.

    Nothing — not even a title — before the member has signed the impartiality declaration (403
    with the reason); an offer the member is excluded from is listed with the ground, never with its
    content or a card.
    """

    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []
    serializer_class = CommitteeOfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return (
            Application.objects.filter(call_id=self.get_evaluation().call_id, status__in=EVALUATED_STATES)
            .select_related("organisation", "call", "offer_document")
            .order_by("pk")
        )

    def _member(self):
        return _signed_seat(self.request.user, self.get_evaluation())

    def _offer(self):
        """(evaluation, member, offer) for the offer in the URL the member may read (403 with the reason)."""
        evaluation = self.get_evaluation()
        member = self._member()
        application = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        require(can_read_offer(self.request.user, evaluation, application))
        return evaluation, member, application

    def _link(self, name, application):
        kwargs = {"evaluation_pk": self.get_evaluation().pk, "pk": application.pk}
        return reverse(f"evaluation-offer-{name}", kwargs=kwargs, request=self.request)

    @extend_schema(responses=CommitteeOfferSerializer(many=True))
    def list(self, request, evaluation_pk=None):
        member = self._member()
        exclusions = dict(member.exclusions.values_list("application_id", "ground"))
        cards = dict(member.cards.values_list("application_id", "status"))
        rows = []
        for application in self.get_queryset():
            excluded = application.pk in exclusions
            rows.append(
                {
                    "id": application.pk,
                    "title": application.title,
                    "organisation": application.organisation,
                    "excluded": excluded,
                    "exclusion_ground": exclusions.get(application.pk),
                    "requested_amount": None if excluded else application.requested_amount,
                    "card_status": None if excluded or not member.votes else cards.get(application.pk),
                    "url": None if excluded else self._link("detail", application),
                }
            )
        return Response(CommitteeOfferSerializer(rows, many=True).data)

    @extend_schema(responses=CommitteeOfferDetailSerializer)
    def retrieve(self, request, evaluation_pk=None, pk=None):
        """The offer's content (sections II–VII as submitted), for a member who signed and is not excluded."""
        _evaluation, member, application = self._offer()
        card = member.cards.filter(application=application).first() if member.votes else None
        document = application.offer_document
        data = {
            "id": application.pk,
            "title": application.title,
            "organisation": application.organisation,
            "status": application.status,
            "requested_amount": application.requested_amount,
            "submitted_at": application.submitted_at,
            "confirmation_number": application.confirmation_number,
            "content": application.content,
            "offer_sha256": document.sha256 if document else None,
            "card_status": card.status if card else None,
            "links": {"card": self._link("card", application), "offer_pdf": self._link("offer-pdf", application)},
        }
        return Response(CommitteeOfferDetailSerializer(data).data)

    @_pdf("The offer PDF as frozen at submission.")
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
    def offer_pdf(self, request, evaluation_pk=None, pk=None):
        """The offer PDF (header X-Content-SHA256), for a member who may read the offer."""
        _evaluation, _member, application = self._offer()
        response = document_response(application, "offer")
        if response is None:
            raise NotFound(_("No PDF is stored for this offer."))
        return response

    def _card(self):
        """(evaluation, member, offer, card or None) for the member's own card; experts are refused."""
        evaluation, member, application = self._offer()
        if not member.votes:
            raise NotAllowed(EXPERT)
        card = ScoreCard.objects.filter(member=member, application=application).prefetch_related("scores").first()
        return evaluation, member, application, card

    def _card_response(self, evaluation, member, application):
        card = ScoreCard.objects.filter(member=member, application=application).prefetch_related("scores").first()
        return Response(CardSerializer(_card_representation(evaluation, member, application, card)).data)

    @extend_schema(methods=["GET"], request=None, responses=CardSerializer)
    @extend_schema(
        methods=["PUT"],
        request=CardWriteSerializer,
        responses={
            200: CardSerializer,
            400: OpenApiResponse(
                description="Points out of range or not a number (code ``card_invalid``, errors by "
                "``points_<criterion>``) or a body of the wrong shape (code ``invalid``): nothing stored."
            ),
        },
    )
    @action(detail=True, methods=["get", "put"])
    def card(self, request, evaluation_pk=None, pk=None):
        """Your scoring card for this offer. ``PUT`` saves it as a draft (points may be left empty): every
        criterion sent is stored, those not sent are kept; changeable until submitted, while scoring is open."""
        evaluation, member, application, card = self._card()
        if request.method == "GET":
            return Response(CardSerializer(_card_representation(evaluation, member, application, card)).data)
        require(can_score(request.user, evaluation, application, card))
        body = CardWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        remarks = body.validated_data.get("remarks")
        if remarks is None:
            remarks = card.remarks if card is not None else ""
        services.card_save(actor=request.user, application=application, scores=body.service_scores(), remarks=remarks)
        return self._card_response(evaluation, member, application)

    @extend_schema(
        request=None,
        responses={
            200: CardSerializer,
            400: OpenApiResponse(description="Not complete (code ``card_incomplete``, every gap in ``errors``)."),
        },
    )
    @action(detail=True, methods=["post"], url_path="card/submit", url_name="card-submit")
    def submit_card(self, request, evaluation_pk=None, pk=None):
        """Submit your card: every criterion needs points and a justification; it cannot change afterwards."""
        evaluation, member, application, card = self._card()
        require(can_score(request.user, evaluation, application, card))
        services.card_submit(actor=request.user, application=application)
        return self._card_response(evaluation, member, application)


# --- Decisions ----------------------------------------------------------------------------------------------


def can_see_decisions(user):
    """Prepared decisions: officials and the approver (everyone sees them once published, in results/)."""
    if is_official(user) or is_approver(user):
        return ALLOW
    return deny(_("Only officials and the approver see the prepared decisions."))


@extend_schema(parameters=[EVALUATION_PK])
@extend_schema_view(
    create=extend_schema(
        request=DecisionWriteSerializer,
        responses={200: DecisionSerializer, 201: DecisionSerializer},
        description="Prepare (201) or replace (200) the decision on one scored offer, until the results are "
        "published. An award is refused above the grant requested or beyond what is left of the call's funds.",
    )
)
class DecisionViewSet(NestedInEvaluationMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The approver's decisions on the call's offers, prepared one by one and published together."""

    serializer_class = DecisionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Decision.objects.none()
        evaluation = self.get_evaluation()
        require(can_see_decisions(self.request.user))
        return (
            Decision.objects.filter(application__call_id=evaluation.call_id)
            .select_related("application__organisation", "prepared_by")
            .order_by("application_id")
        )

    def create(self, request, evaluation_pk=None):
        evaluation = self.get_evaluation()
        require(can_decide(request.user, evaluation))
        body = DecisionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        offer = Application.objects.filter(
            pk=_int(data["application"]) or 0, call_id=evaluation.call_id, status__in=EVALUATED_STATES
        ).first()
        if offer is None:
            raise _invalid("application", _("This offer is not among those the committee evaluated."))
        existed = Decision.objects.filter(application=offer).exists()
        decision = decisions.decision_prepare(
            actor=request.user,
            application=offer,
            awarded=data["awarded"],
            amount=data.get("amount"),
            reason=data["reason"],
        )
        decision = self.get_queryset().get(pk=decision.pk)
        return Response(
            DecisionSerializer(decision).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


# --- Published results (public) -----------------------------------------------------------------------------


def results_representation(evaluation, request):
    call = evaluation.call
    rows = [
        {
            "application": decision.application_id,
            "title": decision.application.title,
            "organisation": decision.application.organisation,
            "awarded": decision.awarded,
            "amount": decision.amount if decision.awarded else None,
        }
        for decision in Decision.objects.filter(application__call=call, published_at__isnull=False)
        .select_related("application__organisation")
        .order_by("-awarded", "application__organisation__name", "application_id")
    ]
    awarded = [row for row in rows if row["awarded"]]
    document = evaluation.results_document
    return {
        "call": call.pk,
        "call_title": call.title,
        "task": call.task.title,
        "published_at": evaluation.published_at,
        "awarded_total": sum((row["amount"] for row in awarded), 0),
        "awarded": awarded,
        "not_chosen": [row for row in rows if not row["awarded"]],
        "results_pdf": reverse("result-results-pdf", kwargs={"call": call.pk}, request=request) if document else None,
        "results_sha256": document.sha256 if document else None,
    }


@extend_schema_view(
    retrieve=extend_schema(parameters=[CALL_PK]),
    results_pdf=extend_schema(parameters=[CALL_PK]),
)
class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """The published results of calls (for everyone): offeror, offer and amount awarded; the offers not chosen."""

    serializer_class = ResultsSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "call"
    lookup_value_regex = r"[0-9]+"
    filterset_fields = ["call"]

    def get_queryset(self):
        return (
            Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED)
            .select_related("call__task", "results_document")
            .order_by("-published_at", "pk")
        )

    def get_serializer(self, instance=None, *args, **kwargs):
        if isinstance(instance, Evaluation):
            instance = results_representation(instance, self.request)
        elif instance is not None:
            instance = [results_representation(evaluation, self.request) for evaluation in instance]
        return super().get_serializer(instance, *args, **kwargs)

    @_pdf("The results as published (PDF).")
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
    def results_pdf(self, request, call=None):
        evaluation = self.get_object()
        if evaluation.results_document is None:
            raise NotFound(_("No results PDF is stored for this call."))
        response = stored_document_response(evaluation.results_document, f"wyniki-konkursu-{evaluation.call_id}.pdf")
        response["Cache-Control"] = "public, max-age=300"
        return response


# --- Requests for reasons -----------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=RequestForReasonsCreateSerializer, responses={201: RequestForReasonsReceivedSerializer}
    ),
    answer=extend_schema(request=ReasonAnswerSerializer, responses=RequestForReasonsSerializer),
    draft=extend_schema(request=None, responses=ReasonDraftSerializer),
)
class ReasonRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Anyone asks for the reasons why an offer of a published call was chosen or not; officials (and the
    approver) list the requests and answer them (the answer is e-mailed and recorded)."""

    serializer_class = RequestForReasonsSerializer
    lookup_value_regex = r"[0-9]+"
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["application", "application__call"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReasonRequest.objects.none()
        user = self.request.user
        if self.action == "list":
            require(can_answer_reason_request(user))
        elif not can_answer_reason_request(user):
            return ReasonRequest.objects.none()  # 404: a request is seen by those who answer it
        return ReasonRequest.objects.select_related("application__organisation", "answered_by").order_by(
            "-submitted_at", "pk"
        )

    def create(self, request, *args, **kwargs):
        body = RequestForReasonsCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # Only offers with a published decision are named here, whoever asks (nothing else is revealed).
        offer = Application.objects.filter(
            pk=_int(data["application"]) or 0, decision__published_at__isnull=False
        ).first()
        if offer is None:
            raise _invalid("application", _("No published decision concerns this offer."))
        created = decisions.reason_request_create(
            application=offer, name=data["name"], email=data["email"], question=data.get("question", "")
        )
        return Response(RequestForReasonsReceivedSerializer(created).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer the request (officials, the approver): recorded and e-mailed to the requester; once."""
        reason_request = self.get_object()
        require(can_answer_reason_request(request.user))
        body = ReasonAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answered = decisions.reason_request_answer(
            actor=request.user, reason_request=reason_request, answer=body.validated_data["answer"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=answered.pk)).data)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def draft(self, request, pk=None):
        """A draft answer (in Polish) from the committee's stored scores and the decision's reason."""
        reason_request = self.get_object()
        return Response(ReasonDraftSerializer({"draft": decisions.reason_answer_draft(reason_request)}).data)
