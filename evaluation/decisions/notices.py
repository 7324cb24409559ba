"""Who is written to: one address per applicant (the rule is in the package's docstring), and officials."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from applications.completeness import section, text
from core.roles import officials_with_email
from notifications.services import outbox_write
from organisations.enums import MembershipRole
from organisations.models import Membership


def applicant_address(application):
    """The one address an applicant is written to (see the package's docstring), or ``""``."""
    if application.organisation.email:
        return application.organisation.email
    contact = text(section(application, "contact"), "email")
    if contact:
        try:
            validate_email(contact)
        except ValidationError:
            pass
        else:
            return contact
    admin = (
        Membership.objects.filter(
            organisation_id=application.organisation_id, role=MembershipRole.ADMIN, confirmed_at__isnull=False
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("confirmed_at", "pk")
        .first()
    )
    return admin.user.email if admin else ""


def officials():
    return officials_with_email()


def notify_officials(event, template, context, key):
    for official in officials():
        outbox_write(
            event=event,
            recipient=official.email,
            template=template,
            context={**context, "person": official},
            dedupe_key=f"{key}:user:{official.pk}",
        )


def notify_applicant(event, template, application, context, key):
    address = applicant_address(application)
    if address:
        outbox_write(
            event=event,
            recipient=address,
            template=template,
            context={"application": application, "call": application.call, **context},
            dedupe_key=key,
        )
