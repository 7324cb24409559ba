"""Sign-up, e-mail verification and logging in with the e-mail."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.forms import apply_domain_error

from . import services
from .forms import EmailAuthenticationForm, ResendForm, SignupForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm


def signup(request):
    """Sign up: on success the person is told to open the link in their e-mail; on refusal what was
    typed (except the password) is kept."""
    if request.user.is_authenticated:
        return redirect("my_organisations")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in ("first_name", "last_name", "email", "password")}
        try:
            services.account_register(**data, language=get_language() or "pl")
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            request.session["signup_email"] = services.normalise_email(data["email"])
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")})


@require_GET
def verify(request, token):
    """Open the activation link: activate the account and log the person in, or say why not."""
    try:
        user = services.account_verify(token=token)
    except DomainError as error:
        return render(
            request, "accounts/verify_failed.html", {"error": error, "form": ResendForm()}, status=error.status
        )
    login(request, user, backend=BACKEND)
    messages.success(request, _("Your account is active. Create your organisation or ask to join one."))
    return redirect("my_organisations")


def resend(request):
    """Ask for a new activation link; the answer is the same whether or not the account exists."""
    form = ResendForm(request.POST or None, initial={"email": request.session.get("signup_email", "")})
    if request.method == "POST" and form.is_valid():
        services.account_resend_verification(email=form.cleaned_data["email"], language=get_language() or "pl")
        messages.success(
            request,
            _("If an account with this e-mail awaits activation, a new link is on its way. It is valid for 3 days."),
        )
        return redirect("login")
    return render(request, "accounts/resend.html", {"form": form}, status=400 if form.errors else 200)
