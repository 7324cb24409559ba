from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .errors import DomainError
from .forms import apply_domain_error
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


@require_GET
def set_language(request):
    """Switch the language (a cookie) and go back. GET, so public pages carry no CSRF token and can
    be cached; switching a language changes no data."""
    language = request.GET.get("language")
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def form_page(request, *, form, save, template, context, success_message, redirect_to):
    """The shape of every form page: validate, call one service, keep what was typed on refusal.

    ``save(cleaned_data)`` calls the service; a ``DomainError`` lands on the form, field by field.
    ``redirect_to(saved)`` gives ``redirect()`` arguments. A refused form answers 400.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect(*redirect_to(saved))
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def forbidden(request, reason, status=403):
    return render(request, "core/forbidden.html", {"reason": reason}, status=status)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
