"""Representations of the committee's work for the REST API (:mod:`evaluation.api`).

They only shape what the views already decided the person may see: a committee member who has not
signed the impartiality declaration never reaches a serializer that names an offer, and points only
reach the ranking, the cards' owners and the protocol once :func:`evaluation.rules.can_see_scores`
allows. Bodies are parsed here (types, lengths, shapes); the services decide everything else.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from applications.serializers import storable_text_problem, user_name
from core.api import LocalDateTimeField, ModelSerializer
from core.transitions import available_transitions
from organisations.models import Organisation

from .enums import CardStatus, MemberRole
from .models import CommitteeMember, Decision, Evaluation, Exclusion, ReasonRequest
from .rules import EVALUATION_TRANSITION_CHECKS, has_signed

TEXT_MAX = 10000


def _member_name(member):
    return user_name(member.user)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- The evaluation and its committee ---------------------------------------------------------------


class MemberSerializer(ModelSerializer):
    """A seat on the committee: the person's name only (no e-mail, no account data)."""

    name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    votes = serializers.BooleanField(read_only=True, help_text="Experts advise and do not vote.")
    signed = serializers.SerializerMethodField(help_text="Whether the impartiality declaration is signed.")
    signed_at = serializers.SerializerMethodField()
    nominated_by = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CommitteeMember
        fields = [
            "id",
            "name",
            "role",
            "role_display",
            "is_chair",
            "votes",
            "signed",
            "signed_at",
            "nominated_by",
            "appointed_at",
        ]
        read_only_fields = fields

    def get_name(self, member) -> str:
        return _member_name(member)

    def get_signed(self, member) -> bool:
        return has_signed(member)

    @extend_schema_field(LocalDateTimeField(allow_null=True))
    def get_signed_at(self, member):
        if not has_signed(member):
            return None
        return LocalDateTimeField().to_representation(member.declaration.signed_at)


class SeatSerializer(serializers.Serializer):
    """The requesting person's own seat on the committee."""

    member = serializers.IntegerField(source="pk")
    role = serializers.ChoiceField(choices=MemberRole.choices)
    is_chair = serializers.BooleanField()
    votes = serializers.BooleanField()
    signed = serializers.SerializerMethodField()

    def get_signed(self, member) -> bool:
        return has_signed(member)


class EvaluationSerializer(ModelSerializer):
    call_title = serializers.CharField(source="call.title", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    committee = MemberSerializer(source="members", many=True, read_only=True)
    my_seat = serializers.SerializerMethodField(help_text="Your seat on this committee, if you have one.")
    available_transitions = serializers.SerializerMethodField()
    declaration_sha256 = serializers.CharField(read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "call",
            "call_title",
            "status",
            "status_display",
            "available_transitions",
            "scoring_opened_at",
            "scoring_closed_at",
            "published_at",
            "committee",
            "my_seat",
            "declaration_sha256",
            "links",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(SeatSerializer(allow_null=True))
    def get_my_seat(self, evaluation):
        user = self._user()
        if user is None or not user.is_authenticated:
            return None
        seat = next((m for m in evaluation.members.all() if m.user_id == user.pk), None)
        return SeatSerializer(seat).data if seat is not None else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, evaluation):
        return available_transitions(evaluation, self._user(), EVALUATION_TRANSITION_CHECKS)

    @extend_schema_field(
        serializers.DictField(
            child=serializers.URLField(),
            help_text="Keys: self, members, exclusions, offers, decisions, declaration, progress, ranking, protocol_pdf.",
        )
    )
    def get_links(self, evaluation):
        request = self.context.get("request")
        nested = {"evaluation_pk": evaluation.pk}
        links = {"self": reverse("evaluation-detail", kwargs={"pk": evaluation.pk}, request=request)}
        for name in ("members", "exclusions", "offers", "decisions"):
            links[name] = reverse(f"evaluation-{name[:-1]}-list", kwargs=nested, request=request)
        for name in ("declaration", "progress", "ranking", "protocol_pdf"):
            links[name] = reverse(f"evaluation-{name.replace('_', '-')}", kwargs={"pk": evaluation.pk}, request=request)
        return links


class EvaluationCreateSerializer(serializers.Serializer):
    call = serializers.IntegerField(min_value=1, help_text="The call whose committee is being set up.")


class AppointSerializer(serializers.Serializer):
    """Appoint a person (by the e-mail of their account) to the committee."""

    email = serializers.EmailField(help_text="The e-mail of the person's active account.")
    role = serializers.ChoiceField(choices=MemberRole.choices)
    is_chair = serializers.BooleanField(required=False, default=False)
    nominated_by = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a person nominated by organisations: the nominating organisation.",
    )

    def validate_email(self, email):
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise serializers.ValidationError(_("No active account has this e-mail address."))
        if len(users) > 1:
            raise serializers.ValidationError(_("Several accounts have this e-mail address: ask the administrator."))
        self.user = users[0]
        return email

    def service_arguments(self):
        data = self.validated_data
        return {
            "user": self.user,
            "role": data["role"],
            "is_chair": data.get("is_chair", False),
            "nominated_by": data.get("nominated_by"),
        }


# --- The impartiality declaration --------------------------------------------------------------------


class DeclarationSerializer(serializers.Serializer):
    """The declaration to sign (or, once signed, as signed)."""

    signed = serializers.BooleanField()
    text = serializers.CharField()
    text_sha256 = serializers.CharField()
    signed_at = LocalDateTimeField(allow_null=True)
    linked_organisations = OrganisationRefSerializer(many=True)


def declaration_representation(evaluation, member):
    if has_signed(member):
        declaration = member.declaration
        return {
            "signed": True,
            "text": declaration.text,
            "text_sha256": declaration.text_sha256,
            "signed_at": declaration.signed_at,
            "linked_organisations": list(declaration.linked_organisations.order_by("name")),
        }
    return {
        "signed": False,
        "text": evaluation.declaration_text,
        "text_sha256": evaluation.declaration_sha256,
        "signed_at": None,
        "linked_organisations": [],
    }


class SignDeclarationSerializer(serializers.Serializer):
    linked_organisations = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Organisations you are linked with (ids): you are excluded from their offers. Organisations "
        "you are a confirmed member of are excluded anyway.",
    )


# --- Exclusions --------------------------------------------------------------------------------------


class ExclusionSerializer(ModelSerializer):
    member_name = serializers.SerializerMethodField()
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation = OrganisationRefSerializer(source="application.organisation", read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Exclusion
        fields = [
            "id",
            "member",
            "member_name",
            "application",
            "application_title",
            "organisation",
            "ground",
            "automatic",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_member_name(self, exclusion) -> str:
        return _member_name(exclusion.member)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_recorded_by(self, exclusion):
        return user_name(exclusion.recorded_by)


class ExclusionCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="The committee member (the id of a seat in members/).")
    application = serializers.IntegerField(help_text="The offer (one of offers/).")
    ground = serializers.CharField(
        max_length=5000,
        help_text="The ground (KPA art. 24).",
        error_messages={"blank": gettext_lazy("Give the ground for the exclusion (KPA art. 24).")},
    )


# --- Offers as the committee reads them ----------------------------------------------------------------


class CommitteeOfferSerializer(serializers.Serializer):
    """An offer in the member's list. From an offer the member is excluded from only its title, its
    organisation and the ground of the exclusion are shown."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    excluded = serializers.BooleanField()
    exclusion_ground = serializers.CharField(allow_null=True)
    requested_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    card_status = serializers.ChoiceField(
        choices=CardStatus.choices,
        allow_null=True,
        help_text="Your card for this offer (null: none yet, or you do not score it).",
    )
    url = serializers.URLField(allow_null=True, help_text="The offer's content (null when excluded).")


class CommitteeOfferDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    status = serializers.CharField()
    requested_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    submitted_at = LocalDateTimeField(allow_null=True)
    confirmation_number = serializers.CharField()
    content = serializers.JSONField(help_text="Sections II–VII of the offer as submitted.")
    offer_sha256 = serializers.CharField(allow_null=True)
    card_status = serializers.ChoiceField(choices=CardStatus.choices, allow_null=True)
    links = serializers.DictField(child=serializers.URLField(), help_text="Keys: card, offer_pdf.")


# --- Scoring cards -----------------------------------------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    criterion_name = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=5, decimal_places=2)
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    justification = serializers.CharField(allow_blank=True)


class CardSerializer(serializers.Serializer):
    """The requesting member's own card for one offer (every criterion of the call, filled or not)."""

    application = serializers.IntegerField()
    # (text, not an enum: the schema has the card states once, as the offers' card_status)
    status = serializers.CharField(allow_null=True, help_text="draft or submitted; null: not saved yet.")
    remarks = serializers.CharField(allow_blank=True)
    scores = ScoreSerializer(many=True)
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    updated_at = LocalDateTimeField(allow_null=True)
    submitted_at = LocalDateTimeField(allow_null=True)
    editable = serializers.BooleanField()
    not_editable_reason = serializers.CharField(allow_blank=True)
    missing = serializers.DictField(
        child=serializers.CharField(),
        help_text="What keeps the card from being submitted, by field (points_<criterion>, justification_<criterion>).",
    )


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "nullable": True,
        "description": 'A number, or text such as "7,5" (null or "": not given yet).',
    }
)
class PointsField(serializers.Field):
    """Points as sent: a number or text (the service reads "7,5" and "7.5" and checks the range);
    anything else is refused here."""

    default_error_messages = {"invalid": gettext_lazy("Give the points as a number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, str) and (len(data) > 50 or storable_text_problem(data)):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class ScoreInSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="The criterion's id (the call's criteria).")
    points = PointsField()
    justification = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX, trim_whitespace=False)


class CardWriteSerializer(serializers.Serializer):
    scores = ScoreInSerializer(many=True, max_length=200, help_text="Points and justification per criterion.")
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)

    def validate_scores(self, scores):
        seen = set()
        for item in scores:
            if item["criterion"] in seen:
                raise serializers.ValidationError(_("Each criterion may appear only once."))
            seen.add(item["criterion"])
        return scores

    def service_scores(self):
        return {
            item["criterion"]: (item.get("points"), item.get("justification", ""))
            for item in self.validated_data["scores"]
        }


# --- Progress and ranking -----------------------------------------------------------------------------------

PROGRESS_CELLS = ["excluded", "unsigned", "advisory", "none", CardStatus.DRAFT.value, CardStatus.SUBMITTED.value]


class ProgressOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ProgressCellSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=PROGRESS_CELLS,
        help_text="excluded; unsigned (the member has not signed); advisory (an expert, who does not score); "
        "none (no card yet); draft; submitted.",
    )


class ProgressRowSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    is_chair = serializers.BooleanField()
    signed = serializers.BooleanField()
    cells = ProgressCellSerializer(many=True)
    submitted = serializers.IntegerField(help_text="Cards submitted.")
    due = serializers.IntegerField(help_text="Cards the member is to submit (offers not excluded from).")


class ProgressSerializer(serializers.Serializer):
    """Who scored what: card states only, never points."""

    offers = ProgressOfferSerializer(many=True)
    rows = ProgressRowSerializer(many=True)


def progress_representation(evaluation, progress):
    offers = progress["offers"]
    rows = []
    for row in progress["rows"]:
        member = row["member"]
        rows.append(
            {
                "member": member.pk,
                "name": _member_name(member),
                "role": member.role,
                "is_chair": member.is_chair,
                "signed": row["signed"],
                "cells": [
                    {"application": offer.pk, "state": str(cell) or "advisory"}
                    for offer, cell in zip(offers, row["cells"], strict=True)
                ],
                "submitted": row["submitted"],
                "due": row["due"],
            }
        )
    return {"offers": [{"id": o.pk, "title": o.title} for o in offers], "rows": rows}


class MemberTotalSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.DecimalField(max_digits=8, decimal_places=2)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="null: no counted card.")
    tied = serializers.BooleanField(help_text="Shares its rank with another offer (ex aequo).")
    application = serializers.IntegerField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    requested = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="The grant requested when scored.")
    result = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    card_count = serializers.IntegerField(help_text="Cards counted in the result.")
    totals = MemberTotalSerializer(many=True)
    below_minimum = serializers.BooleanField()
    proposed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    allocation = serializers.ChoiceField(choices=["full", "partial", "none"], allow_null=True)
    tie_at_cutoff = serializers.BooleanField()
    above_cutoff = serializers.BooleanField()


class RankingSerializer(serializers.Serializer):
    funds = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    min_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    proposed_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    cutoff_index = serializers.IntegerField(allow_null=True, help_text="The line is drawn before rows[cutoff_index].")
    tie_at_cutoff = serializers.BooleanField()
    rows = RankingRowSerializer(many=True)


def ranking_representation(ranking):
    members = ranking.extra.get("members", {})
    rows = []
    for index, row in enumerate(ranking.rows):
        application = row.subject
        rows.append(
            {
                "rank": row.rank,
                "tied": row.tied,
                "application": application.pk,
                "title": application.title,
                "organisation": application.organisation,
                "requested": row.requested,
                "result": row.result,
                "card_count": row.card_count,
                "totals": [
                    {"member": pk, "name": _member_name(members[pk]) if pk in members else "", "total": total}
                    for pk, total in sorted(row.totals.items())
                ],
                "below_minimum": row.below_minimum,
                "proposed": row.proposed,
                "allocation": row.allocation,
                "tie_at_cutoff": row.tie_at_cutoff,
                "above_cutoff": ranking.cutoff_index is not None and index < ranking.cutoff_index,
            }
        )
    return {
        "funds": ranking.funds,
        "min_score": ranking.min_score,
        "max_total": ranking.max_total,
        "proposed_total": ranking.proposed_total,
        "remaining": ranking.remaining,
        "cutoff_index": ranking.cutoff_index,
        "tie_at_cutoff": ranking.tie_at_cutoff,
        "rows": rows,
    }


# --- Decisions and results ---------------------------------------------------------------------------------


class DecisionSerializer(ModelSerializer):
    title = serializers.CharField(source="application.title", read_only=True)
    organisation = OrganisationRefSerializer(source="application.organisation", read_only=True)
    prepared_by = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "application",
            "title",
            "organisation",
            "awarded",
            "amount",
            "reason",
            "prepared_by",
            "prepared_at",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_prepared_by(self, decision):
        return user_name(decision.prepared_by)


class DecisionWriteSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="The scored offer decided on.")
    awarded = serializers.BooleanField()
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The grant awarded (PLN, to the grosz): required when awarded, at most the amount requested.",
    )
    reason = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class ResultRowSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    awarded = serializers.BooleanField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class ResultsSerializer(serializers.Serializer):
    """The published results of one call (public)."""

    call = serializers.IntegerField()
    call_title = serializers.CharField()
    task = serializers.CharField()
    published_at = LocalDateTimeField()
    awarded_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    awarded = ResultRowSerializer(many=True)
    not_chosen = ResultRowSerializer(many=True)
    results_pdf = serializers.URLField(allow_null=True)
    results_sha256 = serializers.CharField(allow_null=True)


# --- Requests for reasons ----------------------------------------------------------------------------------


class RequestForReasonsCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField(help_text="The offer, as listed in the published results.")
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    question = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class RequestForReasonsReceivedSerializer(serializers.Serializer):
    """What the requester gets back: nothing of anyone else's data."""

    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    submitted_at = LocalDateTimeField()


class RequestForReasonsSerializer(ModelSerializer):
    title = serializers.CharField(source="application.title", read_only=True)
    organisation = OrganisationRefSerializer(source="application.organisation", read_only=True)
    call = serializers.IntegerField(source="application.call_id", read_only=True)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = ReasonRequest
        fields = [
            "id",
            "application",
            "title",
            "organisation",
            "call",
            "requester_name",
            "requester_email",
            "question",
            "submitted_at",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_answered_by(self, request):
        return user_name(request.answered_by)


class ReasonAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)


class ReasonDraftSerializer(serializers.Serializer):
    draft = serializers.CharField(help_text="A draft answer from the stored scores and the decision's reason.")
