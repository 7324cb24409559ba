"""The competition committee's work on one call (art. 15 ust. 2a–2f) and the approver's decisions.

- :class:`Evaluation` — one per call: the committee, the impartiality declaration text, the state
  of the scoring (preparing → scoring → closed → published) and the frozen documents.
- :class:`CommitteeMember` — officials, NGO nominees and experts (experts advise and do not vote);
  one chair.
- :class:`ImpartialityDeclaration` — signed in the application by each member before they see any
  offer or score (KPA art. 24); the text and its SHA-256 are kept as signed.
- :class:`Exclusion` — a member excluded from one offer, with its ground (automatic for a member
  linked to the offering organisation; recorded by the member or the chair otherwise).
- :class:`ScoreCard` / :class:`Score` — a voting member's points per criterion with a
  justification; changeable until the member submits the card.
- :class:`Decision` — the approver's award (amount ≤ requested, within the call's funds) or refusal,
  with a reason; prepared one by one, published together.
- :class:`ReasonRequest` — anyone's request for the reasons of a choice or rejection, and the answer.
"""

import hashlib

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from applications.models import Application
from calls.models import Call, Criterion
from core.models import StoredDocument, TimeStampedModel
from core.money import MoneyField
from organisations.models import Organisation

from .enums import CardStatus, EvaluationStatus, MemberRole

# The impartiality declaration (oświadczenie o bezstronności), in Polish: it is a legal statement.
DEFAULT_DECLARATION = (
    "Oświadczam, że w stosunku do oferentów, których oferty zostały złożone w otwartym konkursie ofert, "
    "nie zachodzi żadna z okoliczności, o których mowa w art. 24 § 1 ustawy z dnia 14 czerwca 1960 r. – "
    "Kodeks postępowania administracyjnego, w szczególności: nie jestem członkiem władz, pracownikiem, "
    "wolontariuszem ani członkiem żadnego z oferentów; nie pozostaję z oferentami ani z członkami ich władz "
    "w związku małżeńskim, w stosunku pokrewieństwa lub powinowactwa do drugiego stopnia, w stosunku "
    "przysposobienia, opieki lub kurateli; nie pozostaję z oferentami w takim stosunku prawnym lub faktycznym, "
    "który mógłby budzić uzasadnione wątpliwości co do mojej bezstronności. Organizacje, z którymi jestem "
    "związany(-a), wskazuję poniżej; z ocen ich ofert zostanę wyłączony(-a). Zobowiązuję się do zachowania "
    "w tajemnicy informacji uzyskanych w związku z pracą w komisji."
)


def default_declaration():
    return DEFAULT_DECLARATION


class Evaluation(FSMModelMixin, TimeStampedModel):
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="evaluation", verbose_name=_("call"))
    status = FSMField(_("status"), default=EvaluationStatus.PREPARING, choices=EvaluationStatus.choices, protected=True)
    declaration_text = models.TextField(_("impartiality declaration"), default=default_declaration)
    scoring_opened_at = models.DateTimeField(_("scoring opened"), null=True, blank=True, editable=False)
    scoring_closed_at = models.DateTimeField(_("scoring closed"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("results published"), null=True, blank=True, editable=False)
    protocol_document = models.ForeignKey(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    results_document = models.ForeignKey(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return str(self.call)

    @property
    def declaration_sha256(self):
        return hashlib.sha256(self.declaration_text.encode("utf-8")).hexdigest()

    def chair(self):
        return self.members.filter(is_chair=True).select_related("user").first()

    # Transitions: bodies change only this object's fields; services run them (core.transitions).

    @transition(field=status, source=EvaluationStatus.PREPARING, target=EvaluationStatus.SCORING)
    def open_scoring(self):
        self.scoring_opened_at = timezone.now()

    @transition(field=status, source=EvaluationStatus.SCORING, target=EvaluationStatus.CLOSED)
    def close_scoring(self):
        self.scoring_closed_at = timezone.now()

    @transition(field=status, source=EvaluationStatus.CLOSED, target=EvaluationStatus.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()


class CommitteeMember(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="members", verbose_name=_("evaluation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    # For an NGO nominee: the organisation that nominated them (it may not take part in the call).
    nominated_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    appointed_at = models.DateTimeField(_("appointed"), default=timezone.now, editable=False)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["evaluation", "-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "user"], name="committee_member_unique"),
            models.UniqueConstraint(
                fields=["evaluation"], condition=models.Q(is_chair=True), name="committee_one_chair"
            ),
        ]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def votes(self):
        """Experts advise and do not vote (art. 15 ust. 2d)."""
        return self.role != MemberRole.EXPERT


class ImpartialityDeclaration(models.Model):
    member = models.OneToOneField(
        CommitteeMember, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("member")
    )
    text = models.TextField(_("text signed"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    # Organisations the member declared a link with: excluded from their offers automatically.
    linked_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("declared links")
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("impartiality declaration")
        verbose_name_plural = _("impartiality declarations")

    def __str__(self):
        return f"{self.member} — {self.signed_at:%Y-%m-%d %H:%M}"


class Exclusion(models.Model):
    """A member excluded from one offer (KPA art. 24): never sees it, never scores it."""

    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("member")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("offer")
    )
    ground = models.TextField(_("ground"))
    automatic = models.BooleanField(_("automatic"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["member", "application"]
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="exclusion_unique")]
        verbose_name = _("exclusion")
        verbose_name_plural = _("exclusions")

    def __str__(self):
        return f"{self.member} ✕ {self.application}"


class ScoreCard(FSMModelMixin, models.Model):
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.CASCADE, related_name="cards", verbose_name=_("member")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="score_cards", verbose_name=_("offer")
    )
    status = FSMField(_("status"), default=CardStatus.DRAFT, choices=CardStatus.choices, protected=True)
    remarks = models.TextField(_("general remarks"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["application", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="score_card_unique")]
        verbose_name = _("scoring card")
        verbose_name_plural = _("scoring cards")

    def __str__(self):
        return f"{self.member} → {self.application}"

    @transition(field=status, source=CardStatus.DRAFT, target=CardStatus.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()


class Score(models.Model):
    card = models.ForeignKey(ScoreCard, on_delete=models.CASCADE, related_name="scores", verbose_name=_("card"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    justification = models.TextField(_("justification"), blank=True)

    class Meta:
        ordering = ["card", "criterion__position", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["card", "criterion"], name="score_unique")]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class Decision(models.Model):
    """The approver's decision on one offer; prepared, then published with all the call's decisions."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision", verbose_name=_("offer")
    )
    awarded = models.BooleanField(_("grant awarded"))
    amount = MoneyField(_("amount awarded (PLN)"), null=True, blank=True, validators=[MinValueValidator(0)])
    reason = models.TextField(_("reason"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["application"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.application}: {self.amount if self.awarded else '—'}"


class ReasonRequest(models.Model):
    """A request for the reasons of choosing or rejecting an offer (anyone may ask), and the answer."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="reason_requests", verbose_name=_("offer")
    )
    requester_name = models.CharField(_("name"), max_length=200)
    requester_email = models.EmailField(_("e-mail"))
    question = models.TextField(_("request"), blank=True)
    submitted_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "pk"]
        verbose_name = _("request for reasons")
        verbose_name_plural = _("requests for reasons")

    def __str__(self):
        return f"{self.requester_name}: {self.application}"
