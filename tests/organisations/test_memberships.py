"""People of an organisation: registering one, asking to join, confirmation by an admin or an official,
roles, the last admin, the profile members keep, and that nobody reaches another organisation's people."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import StatusChange
from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from organisations.enums import MembershipRole
from organisations.models import Membership, Organisation
from tests.clients import html_client
from tests.factories import UserFactory, make_ngo_member
from tests.organisations.helpers import VerifiedOrganisationFactory, polish
from tests.organisations.test_panel import spheres_by_code

pytestmark = pytest.mark.django_db


def deliver_outbox():
    for pk in OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        assert outbox_deliver(message_id=pk) == "sent"


def membership_changes():
    return list(
        StatusChange.objects.filter(content_type=ContentType.objects.get_for_model(Membership))
        .order_by("pk")
        .values_list("transition", "from_state", "to_state")
    )


def profile_data(organisation, **overrides):
    data = {
        "address": organisation.address,
        "city": organisation.city,
        "email": organisation.email,
        "phone": "",
        "website": "",
        "spheres": ["17"],
        "description": "Prowadzimy zajęcia sportowe dla dzieci.",
        "wants_call_notices": "on",
        **overrides,
    }
    return spheres_by_code(data)


@pytest.fixture
def organisation():
    return VerifiedOrganisationFactory()


@pytest.fixture
def admin(organisation):
    return make_ngo_member(organisation, role=MembershipRole.ADMIN)


def test_join_request_notifies_the_admin_who_confirms_and_the_member_then_edits_the_profile(
    organisation, admin, mailbox
):
    person = UserFactory(first_name="Ewa", last_name="Ślązak")
    # given a person who asks to join
    response = html_client(person).post("/organisations/mine/join/", {"organisation": organisation.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert membership.confirmed_at is None and membership.role == MembershipRole.EDITOR
    # and who cannot edit the profile while the request is pending
    assert html_client(person).get(f"/organisations/mine/{organisation.pk}/").status_code == 404
    # then the admin gets a notice with a link to the members' page
    deliver_outbox()
    [notice] = mailbox.to(admin.email)
    assert "Ewa Ślązak" in notice.get_body(("plain",)).get_content()
    assert f"/organisations/mine/{organisation.pk}/" in notice.get_body(("plain",)).get_content()
    # when the admin confirms
    page = html_client(admin).get(f"/organisations/mine/{organisation.pk}/")
    assert "Ewa Ślązak" in page.text
    response = html_client(admin).post(f"/organisations/mine/{organisation.pk}/members/{membership.pk}/confirm/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.confirmed_at is not None
    # then the person is told
    deliver_outbox()
    [outcome] = mailbox.to(person.email)
    assert organisation.name in outcome["Subject"]
    # and can now edit the organisation's profile
    response = html_client(person).post(f"/organisations/mine/{organisation.pk}/", profile_data(organisation))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Prowadzimy zajęcia sportowe dla dzieci."
    assert list(organisation.spheres.values_list("code", flat=True)) == ["17"]
    assert membership_changes() == [("request", "", "pending"), ("confirm", "pending", "editor")]


def test_a_refused_request_is_told_to_the_person_and_kept_in_the_history(organisation, admin, mailbox):
    person = UserFactory()
    html_client(person).post("/organisations/mine/join/", {"organisation": organisation.pk})
    membership = Membership.objects.get(user=person)
    response = html_client(admin).post(
        f"/organisations/mine/{organisation.pk}/members/{membership.pk}/refuse/", {"reason": "Nie znamy tej osoby."}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=person).exists()
    deliver_outbox()
    [outcome] = mailbox.to(person.email)
    assert "Nie znamy tej osoby." in outcome.get_body(("plain",)).get_content()
    assert membership_changes()[-1] == ("refuse", "pending", "refused")
    page = html_client(admin).get(f"/organisations/mine/{organisation.pk}/")
    assert "Nie znamy tej osoby." in page.text


def test_an_official_may_confirm_a_request(organisation, official):
    person = UserFactory()
    html_client(person).post("/organisations/mine/join/", {"organisation": organisation.pk})
    membership = Membership.objects.get(user=person)
    response = html_client(official).post(f"/organisations/mine/{organisation.pk}/members/{membership.pk}/confirm/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.confirmed_at is not None


def test_an_editor_cannot_confirm_members_or_change_roles(organisation, admin):
    editor = make_ngo_member(organisation, role=MembershipRole.EDITOR)
    person = UserFactory()
    pending = Membership.objects.create(user=person, organisation=organisation)
    client = html_client(editor)
    response = client.post(f"/organisations/mine/{organisation.pk}/members/{pending.pk}/confirm/")
    assert response.status_code == 403
    assert polish("Only the organisation's administrators and officials may manage its members.") in response.text
    admin_membership = Membership.objects.get(user=admin)
    response = client.post(
        f"/organisations/mine/{organisation.pk}/members/{admin_membership.pk}/role/", {"role": "editor"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    admin_membership.refresh_from_db()
    assert pending.confirmed_at is None and admin_membership.role == MembershipRole.ADMIN
    # and the editor's page shows the profile form but no member list
    page = client.get(f"/organisations/mine/{organisation.pk}/")
    assert page.status_code == 200 and person.email not in page.text


def test_the_last_admin_can_be_neither_removed_nor_demoted(organisation, admin):
    mine = Membership.objects.get(user=admin)
    client = html_client(admin)
    message = polish(
        "The organisation must keep at least one administrator: make another member an administrator first."
    )
    demote = client.post(f"/organisations/mine/{organisation.pk}/members/{mine.pk}/role/", {"role": "editor"})
    remove = client.post(f"/organisations/mine/{organisation.pk}/members/{mine.pk}/remove/")
    assert (demote.status_code, remove.status_code) == (403, 403)
    assert message in demote.text and message in remove.text
    mine.refresh_from_db()
    assert mine.role == MembershipRole.ADMIN
    # once another member is an admin, the first may step down and be removed
    other = Membership.objects.get(user=make_ngo_member(organisation, role=MembershipRole.EDITOR))
    assert (
        client.post(f"/organisations/mine/{organisation.pk}/members/{other.pk}/role/", {"role": "admin"}).status_code
        == 302
    )
    assert (
        client.post(f"/organisations/mine/{organisation.pk}/members/{mine.pk}/role/", {"role": "editor"}).status_code
        == 302
    )
    other_admin = html_client(other.user)
    assert other_admin.post(f"/organisations/mine/{organisation.pk}/members/{mine.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert membership_changes() == [
        ("change_role", "editor", "admin"),
        ("change_role", "admin", "editor"),
        ("remove", "editor", "removed"),
    ]


def test_a_member_of_one_organisation_reaches_nothing_of_another(organisation, admin):
    other = VerifiedOrganisationFactory()
    other_admin = make_ngo_member(other, role=MembershipRole.ADMIN)
    other_membership = Membership.objects.get(user=other_admin)
    client = html_client(admin)
    assert client.get(f"/organisations/mine/{other.pk}/").status_code == 404
    assert (
        client.post(f"/organisations/mine/{other.pk}/", profile_data(other, description="Przejęte")).status_code == 404
    )
    for action in ("confirm", "refuse", "role", "remove"):
        response = client.post(
            f"/organisations/mine/{other.pk}/members/{other_membership.pk}/{action}/", {"role": "editor"}
        )
        assert response.status_code == 404
        # nor through its own organisation's address with the other's membership
        response = client.post(
            f"/organisations/mine/{organisation.pk}/members/{other_membership.pk}/{action}/", {"role": "editor"}
        )
        assert response.status_code == 404
    other.refresh_from_db()
    other_membership.refresh_from_db()
    assert other.description == "" and other_membership.role == MembershipRole.ADMIN


@pytest.mark.parametrize(
    "path",
    ["/organisations/mine/", "/organisations/mine/new/", "/organisations/mine/join/", "/organisations/mine/{pk}/"],
)
def test_an_anonymous_visitor_is_sent_to_log_in(organisation, path):
    response = html_client(None).get(path.format(pk=organisation.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_an_anonymous_visitor_cannot_act_on_members(organisation, admin):
    mine = Membership.objects.get(user=admin)
    response = html_client(None).post(f"/organisations/mine/{organisation.pk}/members/{mine.pk}/remove/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_a_person_registers_an_organisation_which_officials_then_see_to_verify(official):
    person = UserFactory()
    data = spheres_by_code(
        {
            "name": "Klub Sportowy „Górnik Młodzi”",
            "legal_form": "sports_club",
            "register_type": "krs",
            "krs": "345678",
            "nip": "526-025-02-74",
            "city": "Zabrze",
            "spheres": ["17"],
            "wants_call_notices": "on",
        }
    )
    response = html_client(person).post("/organisations/mine/new/", data)
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/organisations/mine/{organisation.pk}/"
    assert organisation.verified_at is None and organisation.krs == "0000345678"
    membership = Membership.objects.get(user=person)
    assert membership.role == MembershipRole.ADMIN and membership.confirmed_at is not None
    # not public yet, but in the officials' list awaiting verification
    assert html_client(None).get(f"/organisations/{organisation.pk}/").status_code == 404
    panel = html_client(official).get("/panel/organisations/?verified=no")
    assert "Klub Sportowy „Górnik Młodzi”" in panel.text
    # and the person sees it among their organisations
    assert "Klub Sportowy „Górnik Młodzi”" in html_client(person).get("/organisations/mine/").text


def test_a_refused_registration_keeps_what_was_typed(organisation):
    organisation.nip = "5260250274"
    organisation.save()
    response = html_client(UserFactory()).post(
        "/organisations/mine/new/",
        spheres_by_code(
            {"name": "Fundacja Nowa", "legal_form": "foundation", "register_type": "krs", "nip": "5260250274"}
        ),
    )
    assert response.status_code == 400
    assert polish("An organisation with this NIP is already in the register.") in response.text
    assert 'value="Fundacja Nowa"' in response.text
    assert Organisation.objects.count() == 1


def test_members_cannot_change_identifiers_once_verified_but_may_before(admin, organisation):
    from core.errors import NotAllowed
    from organisations.services import organisation_profile_save

    page = html_client(admin).get(f"/organisations/mine/{organisation.pk}/")
    assert 'name="nip"' not in page.text and 'name="description"' in page.text
    with pytest.raises(NotAllowed):
        organisation_profile_save(actor=admin, organisation=organisation, data={"nip": "5260250274"})
    organisation.refresh_from_db()
    assert organisation.nip == ""
    # before verification the register data is the members' to correct
    organisation.verified_at = None
    organisation.save()
    page = html_client(admin).get(f"/organisations/mine/{organisation.pk}/")
    assert 'name="nip"' in page.text


def test_asking_twice_or_joining_an_unverified_organisation_is_refused(organisation, admin):
    person = UserFactory()
    client = html_client(person)
    assert client.post("/organisations/mine/join/", {"organisation": organisation.pk}).status_code == 302
    again = client.post("/organisations/mine/join/", {"organisation": organisation.pk})
    assert again.status_code == 403
    assert polish("You are already a member of this organisation or have asked to join it.") in again.text
    unverified = VerifiedOrganisationFactory(verified_at=None)
    assert client.post("/organisations/mine/join/", {"organisation": unverified.pk}).status_code == 404
    assert client.post("/organisations/mine/join/", {"organisation": "x"}).status_code == 404
    assert Membership.objects.filter(user=person).count() == 1


def test_the_join_search_finds_verified_organisations(organisation):
    VerifiedOrganisationFactory(name="Fundacja Ukryta", verified_at=None)
    response = html_client(UserFactory()).get("/organisations/mine/join/", {"q": organisation.name})
    assert response.status_code == 200 and organisation.name in response.text
    hidden = html_client(UserFactory()).get("/organisations/mine/join/", {"q": "Ukryta"})
    assert "Fundacja Ukryta" not in hidden.text
