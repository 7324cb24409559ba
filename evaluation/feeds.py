"""The Atom feed of published results (``/feeds/results.atom``): one entry per call whose results are
published, newest first, with who gets how much."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import format_pln

from .enums import EvaluationStatus
from .models import Decision, Evaluation

ENTRIES = 50


class ResultsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Results of open calls for offers")

    def subtitle(self):
        return _("Grants awarded to non-governmental organisations in the city's open calls for offers.")

    def link(self):
        return reverse("call_list")

    def feed_url(self):
        return reverse("results_feed")

    def author_name(self):
        return settings.AUTHORITY_NAME

    def items(self):
        return (
            Evaluation.objects.filter(status=EvaluationStatus.PUBLISHED, published_at__isnull=False)
            .select_related("call")
            .order_by("-published_at", "-pk")[:ENTRIES]
        )

    def item_title(self, item):
        return _("Results: %(title)s") % {"title": item.call.title}

    def item_description(self, item):
        decisions = list(
            Decision.objects.filter(application__call_id=item.call_id, published_at__isnull=False)
            .select_related("application__organisation")
            .order_by("-awarded", "-amount", "application__organisation__name")
        )
        awarded = [d for d in decisions if d.awarded]
        lines = [
            ngettext(
                "%(count)d grant awarded, %(total)s in total.",
                "%(count)d grants awarded, %(total)s in total.",
                len(awarded),
            )
            % {"count": len(awarded), "total": format_pln(sum(d.amount for d in awarded))}
        ]
        lines += [f"{d.application.organisation.name}: {d.application.title} — {format_pln(d.amount)}" for d in awarded]
        not_chosen = len(decisions) - len(awarded)
        if not_chosen:
            lines.append(
                ngettext("%(count)d offer not chosen.", "%(count)d offers not chosen.", not_chosen)
                % {"count": not_chosen}
            )
        return "\n".join(lines)

    def item_link(self, item):
        return reverse("call_results", args=[item.call_id])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_enclosures(self, item):
        return []
