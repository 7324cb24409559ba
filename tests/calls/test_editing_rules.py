"""What may still change once a call exists or has been announced."""

from decimal import Decimal

import pytest

from calls import services
from calls.enums import StatutoryCriterion, TaskForm, TaskMode
from calls.forms import CriterionFormSet
from calls.models import Call, Criterion
from core.errors import DomainError, NotAllowed
from notifications.models import OutboxMessage
from organisations.models import Sphere
from tests.calls.helpers import call_in_state
from tests.factories import CallFactory, MediaOutletFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_task_with_an_announced_call_keeps_its_form_sphere_and_programme(official):
    call = call_in_state("announced")
    task = call.task
    for data in [{"form": TaskForm.ENTRUSTING}, {"sphere": Sphere.objects.get(code="1")}]:
        with pytest.raises(DomainError) as refused:
            services.task_save(actor=official, task=task, data=data)
        assert refused.value.code == "task_terms_fixed"
    task.refresh_from_db()
    assert (task.form, task.sphere.code) == (TaskForm.SUPPORTING, "17")
    # other details (a typo in the title, planned funds) may still be corrected
    services.task_save(actor=official, task=task, data={"title": "Poprawiony tytuł", "planned_funds": Decimal("1.00")})
    task.refresh_from_db()
    assert task.title == "Poprawiony tytuł"


def test_a_task_whose_calls_are_all_drafts_may_still_change_its_form(official):
    call = CallFactory()
    services.task_save(actor=official, task=call.task, data={"form": TaskForm.ENTRUSTING})
    assert Call.objects.get(pk=call.pk).form == TaskForm.ENTRUSTING


def test_no_call_is_made_for_a_small_grant_task(official):
    task = TaskFactory(mode=TaskMode.SMALL_GRANT)
    with pytest.raises(DomainError) as refused:
        services.call_save(actor=official, data={"task": task, "title": "Konkurs"})
    assert "task" in refused.value.errors
    assert not Call.objects.filter(task=task).exists()


def statutory(call):
    return set(Criterion.objects.filter(call=call).exclude(statutory="").values_list("statutory", flat=True))


def test_moving_a_draft_to_a_task_of_the_other_form_resyncs_the_statutory_criteria(official):
    entrusting = TaskFactory(form=TaskForm.ENTRUSTING)
    supporting = TaskFactory(form=TaskForm.SUPPORTING)
    call = services.call_save(actor=official, data={"task": entrusting, "title": "Konkurs"})
    assert StatutoryCriterion.OWN_FUNDS not in statutory(call)
    services.call_save(actor=official, call=call, data={"task": supporting})
    assert statutory(call) == set(StatutoryCriterion)
    services.call_save(actor=official, call=call, data={"task": entrusting})
    assert statutory(call) == set(StatutoryCriterion) - {StatutoryCriterion.OWN_FUNDS}


def test_the_criteria_form_offers_no_way_to_remove_a_statutory_criterion():
    call = CallFactory()
    Criterion.objects.create(call=call, name="Innowacyjność", max_points=5, position=9)
    formset = CriterionFormSet(instance=call)
    for form in formset.forms:
        if form.instance.pk:
            assert ("DELETE" in form.fields) == (not form.instance.statutory), form.instance.name


def test_an_edit_racing_an_announcement_cannot_turn_it_back_into_a_draft(official):
    call = CallFactory()
    stale = Call.objects.get(pk=call.pk)  # an official opened the edit form while it was a draft
    services.call_announce(call=call, actor=official)
    with pytest.raises(NotAllowed):
        services.call_save(actor=official, call=stale, data={"title": "Zmiana po ogłoszeniu"})
    fresh = Call.objects.get(pk=call.pk)
    assert fresh.status == "announced" and fresh.announcement_id is not None
    assert fresh.title != "Zmiana po ogłoszeniu"


def test_newsrooms_without_recorded_consent_get_no_notice(official):
    with_consent = MediaOutletFactory()
    without = MediaOutletFactory(consent_at=None)
    services.call_announce(call=CallFactory(), actor=official)
    recipients = set(OutboxMessage.objects.values_list("recipient", flat=True))
    assert with_consent.email in recipients
    assert without.email not in recipients
