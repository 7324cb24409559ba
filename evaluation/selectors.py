"""Reads of an evaluation shared by its pages and its API."""

from applications.models import Application

from .enums import CardStatus
from .models import Exclusion, ScoreCard
from .rules import EVALUATED_STATES, has_signed

# Cells of the progress table besides a card's status.
EXCLUDED, UNSIGNED, NO_CARD = "excluded", "unsigned", "none"


def evaluated_offers(evaluation_or_call_id):
    return (
        Application.objects.filter(call_id=evaluation_or_call_id, status__in=EVALUATED_STATES)
        .select_related("organisation")
        .order_by("pk")
    )


def scoring_progress(evaluation):
    """The progress table: the offers, and per member a row of cells (card status only, never points)."""
    if evaluation.pk is None:
        return {"offers": [], "rows": []}
    offers = list(evaluated_offers(evaluation.call_id))
    members = list(evaluation.members.select_related("user", "declaration"))
    excluded = set(Exclusion.objects.filter(member__evaluation=evaluation).values_list("member_id", "application_id"))
    cards = dict(
        ((member_id, application_id), status)
        for member_id, application_id, status in ScoreCard.objects.filter(member__evaluation=evaluation).values_list(
            "member_id", "application_id", "status"
        )
    )
    rows = []
    for member in members:
        signed = has_signed(member)
        cells = []
        for offer in offers:
            if (member.pk, offer.pk) in excluded:
                cells.append(EXCLUDED)
            elif not signed:
                cells.append(UNSIGNED)
            elif not member.votes:
                cells.append("")
            else:
                cells.append(cards.get((member.pk, offer.pk), NO_CARD))
        submitted = sum(1 for cell in cells if cell == CardStatus.SUBMITTED)
        due = sum(1 for cell in cells if cell != EXCLUDED) if member.votes else 0
        rows.append({"member": member, "signed": signed, "cells": cells, "submitted": submitted, "due": due})
    return {"offers": offers, "rows": rows}
