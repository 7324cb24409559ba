"""Staff roles are Django groups; NGO roles are organisation memberships (organisations app)."""

from django.utils.translation import gettext_lazy as _

OFFICIAL = "official"
APPROVER = "approver"

STAFF_ROLES = {
    OFFICIAL: _("Official"),
    APPROVER: _("Approver"),
}


def user_roles(user):
    """The set of staff role names of ``user``, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_pozytek_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._pozytek_roles = cached
    return cached


def is_official(user):
    return OFFICIAL in user_roles(user)


def is_approver(user):
    return APPROVER in user_roles(user)


def is_administrator(user):
    return bool(user and user.is_authenticated and user.is_superuser)


def officials_with_email():
    """Active officials with an e-mail address, each once, oldest account first: who staff notices go to."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=OFFICIAL, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
