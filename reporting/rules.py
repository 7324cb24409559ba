"""Who may do what with a report and a return of funds: role AND state AND ownership, each denial
with a reason. The same checks serve the HTML pages, the API, the file downloads and the querysets.

- A report is seen by the confirmed members of the agreement's organisation, by officials and the
  approver; nobody else learns it exists (404).
- Members write and submit it while it is a draft or returned for correction.
- Officials review it (return for correction, accept), request partial reports and record returns.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.enums import AgreementStatus
from applications.rules import is_member
from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official

from .enums import ReportStatus

EDITABLE_STATES = (ReportStatus.DRAFT, ReportStatus.RETURNED)

NOT_VISIBLE = _("This report belongs to another organisation.")
NOT_MEMBER = _("Only confirmed members of the organisation that carries out the task may do this.")
NOT_OFFICIAL = _("Only officials of the NGO Centre may do this.")


def can_view_report(user, report):
    if is_member(user, report.agreement.organisation_id):
        return ALLOW
    if is_official(user) or is_approver(user):
        return ALLOW
    return deny(NOT_VISIBLE)


def can_view_agreement_reports(user, agreement):
    if is_member(user, agreement.organisation_id) or is_official(user) or is_approver(user):
        return ALLOW
    return deny(NOT_VISIBLE)


def visible_reports_q(user, prefix=""):
    """The queryset filter matching :func:`can_view_report` (``prefix`` e.g. ``"report__"``)."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if is_official(user) or is_approver(user):
        return Q()
    return Q(
        **{
            f"{prefix}agreement__organisation__memberships__user": user,
            f"{prefix}agreement__organisation__memberships__confirmed_at__isnull": False,
        }
    )


def can_edit_report(user, report):
    if not is_member(user, report.agreement.organisation_id):
        return deny(NOT_MEMBER)
    if report.status not in EDITABLE_STATES:
        return deny(
            _("The report can no longer be changed: its status is “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    if report.agreement.status != AgreementStatus.SIGNED:
        return deny(_("The agreement is no longer being carried out: its reports cannot be changed."))
    return ALLOW


def can_submit_report(user, report):
    return can_edit_report(user, report)


def can_review_report(user, report):
    if not is_official(user):
        return deny(NOT_OFFICIAL)
    if report.status != ReportStatus.SUBMITTED:
        return deny(
            _("Only a submitted report can be reviewed; this one is “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    return ALLOW


def can_request_partial_report(user, agreement):
    if not is_official(user):
        return deny(NOT_OFFICIAL)
    if agreement.status != AgreementStatus.SIGNED:
        return deny(_("A partial report can be requested only while the agreement is being carried out (signed)."))
    return ALLOW


def can_open_final_report(user, agreement):
    """Members open (and so create) the final report of a signed agreement."""
    if not is_member(user, agreement.organisation_id):
        return deny(NOT_MEMBER)
    if agreement.status != AgreementStatus.SIGNED:
        return deny(_("The final report is written once the agreement is signed, while it is being carried out."))
    return ALLOW


def can_record_return(user, funds_return):
    if not is_official(user):
        return deny(NOT_OFFICIAL)
    if funds_return.returned_on is not None and funds_return.returned_amount is not None:
        if funds_return.returned_amount >= funds_return.amount:
            return deny(_("This return has already been recorded in full."))
    return ALLOW


REPORT_TRANSITION_CHECKS = {
    "submit": can_submit_report,
    "return_for_correction": can_review_report,
    "accept": can_review_report,
}
