from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementStatus(models.TextChoices):
    """An agreement's life: prepared by an official, signed by both sides, settled (art. 16–18)."""

    DRAFT = "draft", pgettext_lazy("agreement status", "being prepared")
    READY = "ready", pgettext_lazy("agreement status", "ready for signing")
    SIGNED = "signed", pgettext_lazy("agreement status", "signed, in realisation")
    SETTLED = "settled", pgettext_lazy("agreement status", "settled")
    TERMINATED = "terminated", pgettext_lazy("agreement status", "terminated")


class SigningMethod(models.TextChoices):
    UPLOADED = "uploaded", _("signed file uploaded")
    IN_OFFICE = "in_office", _("signed in the office")


class AnnexStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("annex status", "being prepared")
    SIGNED = "signed", pgettext_lazy("annex status", "signed")


class AgreementFileKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("signed agreement")
    SIGNED_ANNEX = "signed_annex", _("signed annex")
    OTHER = "other", _("other")
