from .models import Membership


def organisation_ids_of(user):
    """Ids of the organisations ``user`` is a confirmed member of."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_pozytek_org_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, confirmed_at__isnull=False).values_list("organisation_id", flat=True)
        )
        user._pozytek_org_ids = cached
    return cached
