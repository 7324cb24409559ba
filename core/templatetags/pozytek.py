from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import format_pln

register = template.Library()


@register.filter
def pln(value):
    return format_pln(value)


@register.filter
def time_left(deadline):
    """“3 days 4 hours left” until ``deadline``, or “deadline passed”."""
    if deadline is None:
        return ""
    seconds = int((deadline - timezone.now()).total_seconds())
    if seconds <= 0:
        return _("deadline passed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        left = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
        left += " " + ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    elif hours:
        left = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        left += " " + ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    else:
        left = ngettext("%(n)d minute", "%(n)d minutes", max(minutes, 1)) % {"n": max(minutes, 1)}
    return _("%(left)s left") % {"left": left}
