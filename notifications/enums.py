from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    MEDIA = "media", _("media (press e-mail)")
    WEBHOOK = "webhook", _("webhook")


class DeliveryStatus(models.TextChoices):
    # "sending" in ARCHITECTURE.md is the row lock held while the message goes out: a worker that
    # dies mid-send rolls back to pending, so no row is ever stuck half-sent.
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
