from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import LegalForm, MembershipRole


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
    """A non-governmental organisation or an art. 3 ust. 3 entity — *organizacja pozarządowa*."""

    name = models.CharField(_("name"), max_length=300)
    legal_form = models.CharField(
        _("legal form"), max_length=40, choices=LegalForm.choices, default=LegalForm.ASSOCIATION
    )
    krs = models.CharField(_("KRS number"), max_length=10, blank=True)
    nip = models.CharField(_("NIP"), max_length=10, blank=True)
    regon = models.CharField(_("REGON"), max_length=14, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    spheres = models.ManyToManyField(Sphere, blank=True, related_name="organisations", verbose_name=_("spheres"))
    wants_call_notices = models.BooleanField(
        _("notify about new calls in our spheres"),
        default=True,
        help_text=_("The organisation's e-mail gets a notice when a call is announced in one of its spheres."),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


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
