from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .services import normalise_email


class SignupForm(forms.Form):
    """A person's sign-up; the password is never shown back, everything else is kept on refusal."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("You will log in with it; we send the activation link there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, not a common password, not similar to your name."),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ: type the same password twice."))
        return data


class ResendForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=150)


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with the e-mail (the username of every account made by sign-up); staff usernames work too."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is wrong. Check both and try again."),
        "inactive": _(
            "This account has not been activated yet: open the link we sent to your e-mail, or ask for a new one."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        return normalise_email(username) if "@" in username else username

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                # Django's backend ignores inactive accounts; tell their owner why, once the password is right.
                user = get_user_model().objects.filter(username=username, is_active=False).first()
                if user is not None and user.check_password(password):
                    raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
