from .roles import is_administrator, is_approver, is_official


def roles(request):
    user = getattr(request, "user", None)
    return {
        "is_official": is_official(user),
        "is_approver": is_approver(user),
        "is_administrator": is_administrator(user),
        "has_committee_seat": _has_committee_seat(user),
    }


def _has_committee_seat(user):
    """Whether to show "My committees" (one query, only for logged-in users)."""
    if not user or not user.is_authenticated:
        return False
    return user.committee_seats.exists()
