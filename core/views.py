from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from .roles import is_approver, is_official


def staff_required(view):
    """Officials and approvers only: anonymous users go to the login page, others get a reasoned 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (is_official(request.user) or is_approver(request.user)):
            return render(
                request,
                "core/forbidden.html",
                {"reason": _("This panel is for officials of the NGO Centre and the approver.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


def forbidden(request, reason, status=403):
    return render(request, "core/forbidden.html", {"reason": reason}, status=status)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
