"""Writes for people's accounts: sign-up with e-mail verification. Each function is one transaction.

A person's e-mail, lower-cased, is both the username and the e-mail of the account, so logging in
with the e-mail works with Django's own authentication. A new account is inactive until the
person opens the verification link; the link is a signed, expiring token (3 days) naming the
account and its address, and it activates an account once.
"""

import time

from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from notifications.services import outbox_write

VERIFICATION_SALT = "accounts.verification"
VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60  # seconds: the link is valid for 3 days
RESEND_INTERVAL = 60  # seconds: one activation e-mail per account at most this often


def normalise_email(email):
    return (email or "").strip().lower()


def email_taken(email):
    """Whether an account already uses ``email`` (as its e-mail or its username), in any letter case."""
    email = normalise_email(email)
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def _duplicate_email():
    message = _("An account with this e-mail address already exists. Log in, or ask for a new activation link.")
    return DomainError(message, code="duplicate_email", errors={"email": [message]})


def verification_token(user):
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFICATION_SALT, compress=True)


def _write_verification_notice(user, *, language):
    token = verification_token(user)
    outbox_write(
        event="account_verification",
        recipient=user.email,
        template="account_verification",
        context={"user": user, "link": reverse("accounts:verify", args=[token]), "days": VERIFICATION_MAX_AGE // 86400},
        # At most one link a minute for an account: a resent link is a new notice, a flood is not.
        dedupe_key=f"account-verification:{user.pk}:{int(time.time()) // RESEND_INTERVAL}",
        language=language,
    )


def account_register(*, first_name, last_name, email, password, language="pl"):
    """Create an inactive account for a person and send them the verification link.

    The e-mail must not be used by another account (any letter case); the password must pass the
    site's password validators. A refusal is a DomainError naming each wrong field. Effects, in one
    transaction: one inactive user (username = e-mail, lower-cased) and one outbox notice with the
    link, delivered after commit.
    """
    email = normalise_email(email)
    user_model = get_user_model()
    user = user_model(
        username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False
    )
    errors = {}
    if email_taken(email):
        errors["email"] = _duplicate_email().errors["email"]
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise DomainError(_("Please correct the errors below."), errors=errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            _write_verification_notice(user, language=language)
    except IntegrityError as exc:
        # Two sign-ups with the same address at once: the second one loses here, not with a 500.
        raise _duplicate_email() from exc
    return user


def account_resend_verification(*, email, language="pl"):
    """Send a new verification link to an account that is not active yet.

    Says nothing about whether such an account exists (the page answers the same either way).
    Effects: at most one outbox notice. Returns the user the link was sent to, or ``None``.
    """
    email = normalise_email(email)
    with transaction.atomic():
        user = get_user_model().objects.filter(username=email, is_active=False, last_login__isnull=True).first()
        if user is None:
            return None
        _write_verification_notice(user, language=language)
    return user


def account_verify(*, token):
    """Activate the account a verification link names; returns the user.

    Refuses (DomainError) a link that was altered, has expired, names an account that no longer
    exists or whose e-mail changed, or has already been used. Effects, in one transaction: the
    account row is locked and marked active.
    """
    try:
        payload = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError(_("This activation link has expired. Ask for a new one below."), code="link_expired") from exc
    except signing.BadSignature as exc:
        raise DomainError(
            _("This activation link is not valid. Check that it was copied whole, or ask for a new one below."),
            code="link_invalid",
        ) from exc
    with transaction.atomic():
        user = (
            get_user_model()
            .objects.select_for_update()
            .filter(pk=payload.get("user"), email=payload.get("email"))
            .first()
        )
        if user is None:
            raise DomainError(_("This activation link is not valid. Ask for a new one below."), code="link_invalid")
        if user.is_active or user.last_login is not None:
            raise DomainError(
                _("This account has already been activated: log in with your e-mail and password."),
                code="link_used",
            )
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user
