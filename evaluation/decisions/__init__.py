"""Writes after the committee's scoring: the approver's decisions and their publication, the update of
a partially awarded offer (*aktualizacja oferty*), and requests for the reasons of a choice.

Each function is one transaction and says its effects. Notices are outbox rows written in that
transaction (delivered after commit); their dedupe keys make a repeated event send nothing twice.

Who hears of the outcome: **one notice per offer decided**, to one address — the organisation's
e-mail in the register; if it has none, the contact person the offer names (section II, required
for submission); if neither, the earliest confirmed admin of the organisation. One organisation
with two offers in a call gets one notice about each.
"""

from .awards import (
    AWARD_CHECKS,
    AWARDED,
    NOT_AWARDED,
    PARTIAL,
    awards_total,
    decision_prepare,
    outcome_of,
    results_publish,
)
from .notices import applicant_address
from .reasons import reason_answer_draft, reason_request_answer, reason_request_create, reason_request_deadline
from .updates import update_confirm, update_decline, update_grant_problem, update_return, update_submit

__all__ = [
    "AWARDED",
    "AWARD_CHECKS",
    "NOT_AWARDED",
    "PARTIAL",
    "applicant_address",
    "awards_total",
    "decision_prepare",
    "outcome_of",
    "reason_answer_draft",
    "reason_request_answer",
    "reason_request_create",
    "reason_request_deadline",
    "results_publish",
    "update_confirm",
    "update_decline",
    "update_grant_problem",
    "update_return",
    "update_submit",
]
