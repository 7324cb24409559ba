from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import LegalForm, MembershipRole, RegisterType
from .fields import KrsField, NipField, RegonField
from .search import fold, fold_case

# identifier field -> the refusal of a second organisation with the same number
DUPLICATE_IDENTIFIER_MESSAGES = {
    "krs": _("An organisation with this KRS number is already in the register."),
    "nip": _("An organisation with this NIP is already in the register."),
    "regon": _("An organisation with this REGON is already in the register."),
}
IDENTIFIERS = list(DUPLICATE_IDENTIFIER_MESSAGES)


class Sphere(models.Model):
    """A sphere of public benefit (art. 4 ust. 1) — *sfera zadań publicznych*."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("sphere of public benefit")
        verbose_name_plural = _("spheres of public benefit")

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def name(self):
        return self.name_en if (get_language() or "pl").startswith("en") else self.name_pl


class Organisation(TimeStampedModel):
    """A non-governmental organisation or an art. 3 ust. 3 entity — *organizacja pozarządowa*.

    The public register shows only verified organisations (``verified_at`` set by an official).
    An organisation is registered either in the KRS (``krs``) or in another register
    (``register_type`` and ``register_number``, e.g. the starosta's *ewidencja*). Each of KRS, NIP
    and REGON is stored as bare digits and belongs to one organisation at most.
    """

    name = models.CharField(_("name"), max_length=300)
    legal_form = models.CharField(
        _("legal form"), max_length=40, choices=LegalForm.choices, default=LegalForm.ASSOCIATION
    )
    register_type = models.CharField(
        _("register"), max_length=20, choices=RegisterType.choices, default=RegisterType.KRS
    )
    krs = KrsField(_("KRS number"), max_length=10, blank=True, help_text=_("10 digits; leading zeros may be left out."))
    register_number = models.CharField(
        _("number in the other register"),
        max_length=60,
        blank=True,
        help_text=_("For an organisation outside the KRS: its number in the register chosen above."),
    )
    nip = NipField(_("NIP"), max_length=10, blank=True, help_text=_("10 digits; hyphens and a PL prefix are allowed."))
    regon = RegonField(_("REGON"), max_length=14, blank=True, help_text=_("9 or 14 digits."))
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("telephone"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 ()\-]{5,}$", _("Give a telephone number, e.g. +48 32 123 45 67."), code="phone"
            )
        ],
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the organisation does; shown in the public register.")
    )
    spheres = models.ManyToManyField(Sphere, blank=True, related_name="organisations", verbose_name=_("spheres"))
    wants_call_notices = models.BooleanField(
        _("notify about new calls in our spheres"),
        default=True,
        help_text=_("The organisation's e-mail gets a notice when a call is announced in one of its spheres."),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # The name folded for search and sorting (see organisations.search); written on every save.
    name_folded = models.CharField(max_length=300, blank=True, editable=False)
    name_ascii = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=[field],
                condition=~Q(**{field: ""}),
                name=f"organisation_unique_{field}",
                violation_error_message=message,
            )
            for field, message in DUPLICATE_IDENTIFIER_MESSAGES.items()
        ]

    def __str__(self):
        return self.name

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def register_entry(self):
        """The number identifying the organisation in its register (KRS or the other one)."""
        return self.krs if self.register_type == RegisterType.KRS else self.register_number

    def clean(self):
        """The register entry is consistent and each identifier belongs to this organisation only.

        By now ``clean_fields`` has normalised KRS, NIP and REGON to bare digits and checked them
        (organisations.validators); a duplicate is reported on its field, before the database's
        unique constraint would refuse it.
        """
        errors = {}
        if self.register_type == RegisterType.KRS and self.register_number:
            errors["register_number"] = _(
                "An organisation in the KRS is identified by its KRS number: leave this empty or choose another register."
            )
        if self.register_type != RegisterType.KRS and self.krs:
            errors["krs"] = _(
                "Only an organisation registered in the KRS has a KRS number: choose the KRS as its register "
                "or leave the KRS number empty."
            )
        others = Organisation.objects.exclude(pk=self.pk) if self.pk else Organisation.objects.all()
        for field in IDENTIFIERS:
            value = getattr(self, field)
            if value and field not in errors and others.filter(**{field: value}).exists():
                errors[field] = ValidationError(DUPLICATE_IDENTIFIER_MESSAGES[field], code="duplicate")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.name_folded, self.name_ascii = fold_case(self.name), fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded", "name_ascii"}
        super().save(*args, **kwargs)


class Membership(TimeStampedModel):
    """A person acting for an organisation, as its admin or editor."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.EDITOR)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"
