from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from organisations.models import Sphere


class Subscription(TimeStampedModel):
    """A person's subscription by e-mail to new calls in chosen spheres (or all of them).

    Double opt-in: nothing is sent to the address but the confirmation link until ``confirmed_at``
    is set. One row per address (stored lower-cased); unsubscribing deletes the row, so nothing of
    the person is kept once they leave.
    """

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    all_spheres = models.BooleanField(_("all spheres"), default=False)
    spheres = models.ManyToManyField(Sphere, blank=True, related_name="+", verbose_name=_("spheres"))
    language = models.CharField(_("language"), max_length=8, default="pl")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return self.email

    def sphere_list(self):
        """The chosen spheres in their art. 4 order (empty when all spheres are chosen)."""
        return [] if self.all_spheres else sorted(self.spheres.all(), key=lambda s: (s.position, s.pk))
