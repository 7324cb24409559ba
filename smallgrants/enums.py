from django.db import models
from django.utils.translation import pgettext_lazy


class SmallGrantStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("small grant status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("small grant status", "submitted")
    PUBLISHED = "published", pgettext_lazy("small grant status", "published for comments")
    COMMENTS_CLOSED = "comments_closed", pgettext_lazy("small grant status", "comments closed")
    CONTRACTED = "contracted", pgettext_lazy("small grant status", "agreement signed")
    REJECTED = "rejected", pgettext_lazy("small grant status", "refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("small grant status", "withdrawn")


class CommentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("comment status", "awaiting moderation")
    APPROVED = "approved", pgettext_lazy("comment status", "published")
    HIDDEN = "hidden", pgettext_lazy("comment status", "not published")
