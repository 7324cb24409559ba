"""Public subscription pages: subscribe, confirm, manage and unsubscribe (no account needed).

Links carry signed tokens (see services); every page answers the same whether or not an address is
subscribed, except to the holder of a link sent to that address.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from core.forms import apply_domain_error

from . import services
from .forms import SpheresForm, SubscribeForm


def subscribe(request):
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_request(
                email=data["email"],
                spheres=data["spheres"],
                all_spheres=data["all_spheres"],
                language=get_language() or "pl",
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("subscriptions:subscribe_done")
    return render(request, "subscriptions/subscribe.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def subscribe_done(request):
    return render(request, "subscriptions/subscribe_done.html", {"days": services.CONFIRM_MAX_AGE // 86400})


@require_GET
def confirm(request, token):
    """Open the confirmation link: the subscription starts; the person lands on its manage page."""
    try:
        subscription = services.subscription_confirm(token=token)
    except DomainError as error:
        return render(request, "subscriptions/link_failed.html", {"error": error}, status=error.status)
    messages.success(
        request, _("Your subscription is confirmed. You will get an e-mail when a matching call is announced.")
    )
    return redirect(services.manage_link(subscription.email))


@require_http_methods(["GET", "POST"])
def manage(request, token):
    try:
        subscription = services.subscription_for_manage_token(token)
    except DomainError as error:
        return render(request, "subscriptions/link_failed.html", {"error": error}, status=error.status)
    if subscription is None:
        return render(request, "subscriptions/not_subscribed.html", status=404)
    initial = {"all_spheres": subscription.all_spheres, "spheres": subscription.sphere_list()}
    form = SpheresForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                token=token, spheres=form.cleaned_data["spheres"], all_spheres=form.cleaned_data["all_spheres"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your choice of spheres has been saved."))
            return redirect(request.path)
    context = {
        "form": form,
        "subscription": subscription,
        "unsubscribe_link": services.unsubscribe_link(subscription.email),
    }
    return render(request, "subscriptions/manage.html", context, status=400 if form.errors else 200)


# No CSRF token: the signed link is the authority, and mail programs post one-click unsubscriptions
# (RFC 8058) without one. A GET only shows the button, because mail scanners open links.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        if request.method == "POST":
            services.subscription_cancel(token=token)
            return render(request, "subscriptions/unsubscribed.html")
        email = services.email_for_unsubscribe_token(token)
    except DomainError as error:
        return render(request, "subscriptions/link_failed.html", {"error": error}, status=error.status)
    return render(request, "subscriptions/unsubscribe.html", {"email": email})
