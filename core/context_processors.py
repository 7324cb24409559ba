from .roles import is_administrator, is_approver, is_official


def roles(request):
    user = getattr(request, "user", None)
    return {
        "is_official": is_official(user),
        "is_approver": is_approver(user),
        "is_administrator": is_administrator(user),
    }
