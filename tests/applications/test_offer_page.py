"""The offer page: what was submitted, its versions and their documents, the formal checks, the
history; withdrawing from it. Only the organisation's members, officials and the approver see it."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from applications import services
from core.models import StatusChange
from notifications.models import OutboxMessage
from tests.applications.helpers import all_met, offer
from tests.clients import html_client
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def submitted_offer():
    application, member = offer()
    application.requested_amount = "12345.67"
    application.save()
    application = services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    return application, member


def version_urls(application, number):
    base = f"/offers/documents/{application.pk}/versions/{number}"
    return [f"{base}/offer.pdf", f"{base}/confirmation.pdf"]


@pytest.mark.parametrize("role", ["member", "official", "approver"])
def test_members_officials_and_the_approver_see_the_submitted_offer(role):
    application, member = submitted_offer()
    user = {
        "member": member,
        "official": UserFactory(roles=["official"]),
        "approver": UserFactory(roles=["approver"]),
    }[role]
    response = html_client(user).get(f"/offers/{application.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert application.title in page
    assert application.confirmation_number in page
    assert application.organisation.name in page
    assert f'href="/calls/{application.call_id}/"' in page
    assert "12\xa0345,67\xa0zł" in page  # the grant requested
    assert timezone.localtime(application.submitted_at).strftime("%H:%M:%S") in page  # Warsaw time
    assert "Zajęcia sportowe" in page  # the offer's content (sections II–VII)
    for url in version_urls(application, 1):
        assert f'href="{url}"' in page
    version = application.versions.get()
    assert version.offer_document.sha256[:12] in page and version.offer_document.sha256 in page
    assert f'href="/offers/{application.pk}/attachments/"' in page
    # members withdraw; officials carry out the formal check
    assert (f'action="/offers/{application.pk}/withdraw/"' in page) == (role == "member")
    assert (f'href="/panel/offers/{application.pk}/formal-check/"' in page) == (role == "official")
    assert (f'href="/offers/{application.pk}/edit/"' in page) is False  # submitted: no editing


def test_other_organisations_get_404_and_anonymous_visitors_are_asked_to_log_in():
    application, _member = submitted_offer()
    stranger = html_client(make_ngo_member(OrganisationFactory(verified_at=timezone.now())))
    assert stranger.get(f"/offers/{application.pk}/").status_code == 404
    for url in version_urls(application, 1):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/offers/{application.pk}/withdraw/", {"confirm": "on"}).status_code == 404
    anonymous = html_client()
    response = anonymous.get(f"/offers/{application.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/offers/{application.pk}/"
    for url in version_urls(application, 1):
        assert anonymous.get(url).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_page_for_an_offer_that_does_not_exist_is_404():
    member = make_ngo_member()
    assert html_client(member).get("/offers/999999/").status_code == 404


def test_a_resubmission_after_a_return_gives_two_versions_each_with_its_own_documents():
    application, member = submitted_offer()
    official = UserFactory(roles=["official"])
    due = timezone.now() + datetime.timedelta(days=7)
    checklist = [{"met": index != 3, "note": "Brak podpisu prezesa." if index == 3 else ""} for index, _ in
                 enumerate(application.call.formal_requirements())]  # fmt: skip
    services.application_return_for_correction(
        application=application, actor=official, defects=["Brak podpisu prezesa."], due=due, checklist=checklist
    )
    client = html_client(member)

    page = client.get(f"/offers/{application.pk}/").content.decode()
    assert "Brak podpisu prezesa." in page
    assert timezone.localtime(due).strftime("%H:%M") in page
    assert f'href="/offers/{application.pk}/edit/"' in page  # the way to correct it
    assert f'action="/offers/{application.pk}/withdraw/"' in page

    services.offer_section_save(
        application=application,
        actor=member,
        section="other",
        data={**application.content["other"], "information": "Podpis uzupełniony."},
    )
    services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    assert list(application.versions.values_list("number", flat=True)) == [1, 2]

    digests = {}
    for number in (1, 2):
        for url in version_urls(application, number):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"] == "application/pdf"
            content = body(response)
            assert content.startswith(b"%PDF")
            assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
            digests[url] = response["X-Content-SHA256"]
    first_offer, first_confirmation = version_urls(application, 1)
    second_offer, second_confirmation = version_urls(application, 2)
    assert digests[first_offer] != digests[second_offer]
    assert digests[first_confirmation] != digests[second_confirmation]
    # the current documents are the latest version's
    assert digests[second_offer] == application.offer_document.sha256
    for url in version_urls(application, 3):
        assert client.get(url).status_code == 404

    page = client.get(f"/offers/{application.pk}/").content.decode()
    for url in (first_offer, second_offer):
        assert f'href="{url}"' in page
    assert "Brak podpisu prezesa." in page  # the earlier formal check stays on record
    assert f'href="/offers/{application.pk}/edit/"' not in page  # resubmitted: no longer editable


def test_the_formal_checks_and_the_history_are_shown():
    application, member = submitted_offer()
    official = UserFactory(roles=["official"], first_name="Ewa", last_name="Urzędnicza")
    services.application_reject_formally(
        application=application,
        actor=official,
        reason="Oferta dotyczy innego zadania.",
        checklist=[{"met": False, "note": "Inna sfera."}] + all_met(application.call)[1:],
    )
    page = html_client(member).get(f"/offers/{application.pk}/").content.decode()
    assert "Oferta dotyczy innego zadania." in page
    assert "Inna sfera." in page
    assert "Ewa Urzędnicza" in page
    assert application.call.formal_requirements()[0] in page
    assert 'class="history"' in page
    assert f'action="/offers/{application.pk}/withdraw/"' not in page  # rejected: nothing to withdraw


def test_a_member_withdraws_the_offer_from_its_page():
    application, member = submitted_offer()
    UserFactory(roles=["official"])
    OutboxMessage.objects.all().delete()
    client = html_client(member)
    response = client.post(
        f"/offers/{application.pk}/withdraw/", {"reason": "Rezygnujemy z realizacji.", "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"] == f"/offers/{application.pk}/"
    application.refresh_from_db()
    assert application.status == "withdrawn"
    change = StatusChange.objects.get(object_id=application.pk, transition="withdraw")
    assert change.reason == "Rezygnujemy z realizacji." and change.actor == member
    assert OutboxMessage.objects.filter(event="application_withdrawn").count() == 1
    page = client.get(f"/offers/{application.pk}/").content.decode()
    assert "Rezygnujemy z realizacji." in page  # in the history
    assert f'action="/offers/{application.pk}/withdraw/"' not in page


def test_a_withdrawal_without_the_confirmation_is_refused_and_keeps_the_reason():
    application, member = submitted_offer()
    response = html_client(member).post(f"/offers/{application.pk}/withdraw/", {"reason": "Może jednak nie."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Może jednak nie." in page
    assert 'id="form-errors"' in page and 'href="#id_confirm"' in page
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_withdrawal_that_is_no_longer_possible_is_refused_with_the_reason():
    application, member = offer(status="formally_rejected")
    response = html_client(member).post(f"/offers/{application.pk}/withdraw/", {"confirm": "on", "reason": "Za późno"})
    assert response.status_code == 400
    assert "Za późno" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "formally_rejected"


def test_officials_cannot_withdraw_an_offer():
    application, _member = submitted_offer()
    response = html_client(UserFactory(roles=["official"])).post(
        f"/offers/{application.pk}/withdraw/", {"confirm": "on"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_draft_page_links_to_the_editor_and_says_it_is_not_submitted():
    application, member = offer()
    page = html_client(member).get(f"/offers/{application.pk}/").content.decode()
    assert f'href="/offers/{application.pk}/edit/"' in page
    assert "/versions/" not in page
    assert f'action="/offers/{application.pk}/withdraw/"' not in page


def test_the_offers_list_and_the_attachments_page_link_to_the_offer_page():
    application, member = offer(status="submitted")
    client = html_client(member)
    link = f'href="/offers/{application.pk}/"'
    assert link in client.get(f"/offers/organisation/{application.organisation_id}/").content.decode()
    assert link in client.get(f"/offers/{application.pk}/attachments/").content.decode()
