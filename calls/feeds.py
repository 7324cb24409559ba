"""Public feeds of calls: an Atom feed of announced calls (``/feeds/calls.atom``) and an iCalendar
feed of their offer deadlines (``/feeds/deadlines.ics``, RFC 5545, written here by hand).

Drafts are never in either. Deadlines are given in UTC (``…Z``), which every calendar shows in its
own time zone, so no VTIMEZONE block is needed and the hour is right on both sides of a DST change.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.money import format_pln

from .enums import CallStatus
from .models import Call

ENTRIES = 50


def announced_calls():
    """Every call that has been announced (whatever happened since), newest announcement first.

    Calls imported from before the system have no announcement time: their publication stands in.
    """
    return (
        Call.objects.exclude(status=CallStatus.DRAFT)
        .annotate(shown_at=Coalesce("announced_at", "published_website_at", "published_bip_at", "created_at"))
        .select_related("task__sphere", "task__programme")
        .order_by("-shown_at", "-pk")
    )


def _local(moment):
    return date_format(timezone.localtime(moment), "j E Y, H:i")


class CallsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Open calls for offers")

    def subtitle(self):
        return _("Open competitions for offers announced by the city for non-governmental organisations.")

    def link(self):
        return reverse("call_list")

    def feed_url(self):
        return reverse("calls_feed")

    def author_name(self):
        return settings.AUTHORITY_NAME

    def items(self):
        return announced_calls()[:ENTRIES]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        lines = [
            _("Sphere: %(sphere)s") % {"sphere": item.task.sphere},
            _("Funds: %(funds)s") % {"funds": format_pln(item.funds) if item.funds is not None else "—"},
            _("Offer deadline: %(deadline)s")
            % {"deadline": _local(item.offer_deadline) if item.offer_deadline else "—"},
            _("Status: %(status)s") % {"status": item.get_status_display()},
        ]
        return "\n".join(lines)

    def item_link(self, item):
        return reverse("call_detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.shown_at

    def item_updateddate(self, item):
        return max(item.shown_at, item.updated_at)

    def item_categories(self, item):
        return [str(item.task.sphere)]


# --- iCalendar (RFC 5545) ----------------------------------------------------------------------------

CRLF = "\r\n"
LINE_OCTETS = 75


def ical_text(value):
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def ical_fold(line):
    """Fold a content line into lines of at most 75 octets (§3.1), never inside a UTF-8 character;
    each continuation line starts with one space."""
    parts, current, size, limit = [], [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space takes one octet
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def ical_utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def deadlines_calendar_text(calls, *, now=None, base_url=None):
    """The iCalendar text of ``calls``' offer deadlines: one VEVENT per call with a deadline."""
    base_url = base_url if base_url is not None else settings.SITE_URL.rstrip("/")
    host = urlsplit(settings.SITE_URL).hostname or "pozytek"
    stamp = ical_utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pozytek//Offer deadlines//PL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ical_text(_("Offer deadlines in open calls")),
        "X-WR-TIMEZONE:Europe/Warsaw",
    ]
    for call in calls:
        if call.offer_deadline is None:
            continue
        url = base_url + reverse("call_detail", args=[call.pk])
        description = _("Deadline for offers in the open call “%(title)s” (%(sphere)s).") % {
            "title": call.title,
            "sphere": call.task.sphere,
        }
        lines += [
            "BEGIN:VEVENT",
            f"UID:call-{call.pk}-offer-deadline@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{ical_utc(call.offer_deadline)}",
            f"LAST-MODIFIED:{ical_utc(call.updated_at)}",
            "SUMMARY:" + ical_text(_("Offer deadline: %(title)s") % {"title": call.title}),
            "DESCRIPTION:" + ical_text(f"{description}\n{url}"),
            f"URL:{url}",
            "STATUS:" + ("CANCELLED" if call.status == CallStatus.CANCELLED else "CONFIRMED"),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)


@require_GET
def deadlines_calendar(request):
    """``/feeds/deadlines.ics``: the offer deadlines of every announced call."""
    calls = announced_calls().filter(offer_deadline__isnull=False).order_by("offer_deadline", "pk")
    text = deadlines_calendar_text(calls, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="terminy-ofert.ics"'
    return response
