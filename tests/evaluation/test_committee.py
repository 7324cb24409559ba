"""The committee: appointments (and the refusal of nominees of offering organisations), the chair,
removal, the impartiality declaration with its automatic exclusions, recorded exclusions, and what a
member sees (nothing about the offers before signing, never an offer they are excluded from)."""

import hashlib
import re
from email.utils import getaddresses

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from applications import services as application_services
from applications.attachments import attachment_add
from applications.enums import ApplicationStatus, AttachmentKind
from applications.models import Application
from calls.models import Call
from core.errors import DomainError, InvalidState, NotAllowed
from core.roles import OFFICIAL
from evaluation import rules, services
from evaluation.enums import MemberRole
from evaluation.models import CommitteeMember, Evaluation, Exclusion, ImpartialityDeclaration
from notifications.models import OutboxMessage
from organisations.models import Membership, Organisation
from tests.applications.helpers import all_met, offer, open_call
from tests.calls.helpers import call_in_state, status_changes
from tests.clients import api_client, html_client
from tests.conftest import wait_for
from tests.evaluation.committee_world import Committee, accepted_offer, evaluated_call, fill_card, seat
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def pl(message):
    """``message`` as the (Polish) pages show it, HTML-escaped."""
    with translation.override("pl"):
        return escape(gettext(str(message)) if not isinstance(message, str) else message)


def page(response):
    return response.content.decode()


# --- Appointments ------------------------------------------------------------------------------------


def test_an_official_appoints_a_member_who_gets_a_notice_and_the_history_says_so(official):
    call = evaluated_call()
    evaluation = services.evaluation_for(call)
    person = UserFactory(first_name="Ewa", last_name="Nowak")

    member = services.member_appoint(actor=official, evaluation=evaluation, user=person, role=MemberRole.OFFICIAL)

    assert (member.user, member.role, member.is_chair, member.appointed_by) == (person, "official", False, official)
    notice = OutboxMessage.objects.get(event="committee_appointed")
    assert notice.recipient == person.email
    assert call.title in notice.subject
    assert f"/evaluation/calls/{call.pk}/" in notice.body_text
    assert [(c.transition, c.actor) for c in status_changes(evaluation)] == [("member_appoint", official)]


def test_the_appointment_page_appoints_by_e_mail_and_refuses_with_the_reason_keeping_what_was_typed(official):
    call = evaluated_call()
    person = UserFactory(email="Ewa.Nowak@example.org")
    client = html_client(official)

    response = client.post(
        f"/panel/calls/{call.pk}/committee/appoint/",
        {"email": "ewa.nowak@example.org", "role": "official", "is_chair": "on"},
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get()
    assert (member.user, member.is_chair) == (person, True)
    listing = client.get(f"/panel/calls/{call.pk}/committee/")
    assert listing.status_code == 200 and person.email in page(listing)

    # a second chair is refused, with the reason, and what was typed stays in the form
    other = UserFactory(email="drugi@example.org")
    response = client.post(
        f"/panel/calls/{call.pk}/committee/appoint/", {"email": other.email, "role": "official", "is_chair": "on"}
    )
    assert response.status_code == 400
    assert 'value="drugi@example.org"' in page(response)
    assert CommitteeMember.objects.count() == 1
    # an unknown address is refused too
    response = client.post(
        f"/panel/calls/{call.pk}/committee/appoint/", {"email": "nikt@example.org", "role": "expert"}
    )
    assert response.status_code == 400 and CommitteeMember.objects.count() == 1


def test_opening_the_committee_page_writes_nothing(official):
    call = evaluated_call()
    assert html_client(official).get(f"/panel/calls/{call.pk}/committee/").status_code == 200
    assert not Evaluation.objects.exists()


def test_the_call_page_links_to_its_committee(official):
    call = evaluated_call()
    assert f"/panel/calls/{call.pk}/committee/" in page(html_client(official).get(f"/panel/calls/{call.pk}/"))


@pytest.mark.parametrize(
    "offer_status", ["submitted", "formally_accepted", "formally_rejected", "returned_for_correction"]
)
def test_a_nominee_of_an_organisation_with_an_offer_in_the_call_is_refused_with_the_reason(official, offer_status):
    call = evaluated_call()
    application, _ = accepted_offer(call, status=offer_status)
    evaluation = services.evaluation_for(call)

    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(
            actor=official,
            evaluation=evaluation,
            user=UserFactory(),
            role=MemberRole.NGO_NOMINEE,
            nominated_by=application.organisation,
        )
    assert application.organisation.name in excinfo.value.errors["nominated_by"][0]
    assert not CommitteeMember.objects.exists() and not OutboxMessage.objects.exists()

    # and through the panel the refusal is shown on the form
    response = html_client(official).post(
        f"/panel/calls/{call.pk}/committee/appoint/",
        {"email": UserFactory().email, "role": "ngo_nominee", "nominated_by": application.organisation.pk},
    )
    assert response.status_code == 400
    assert escape(application.organisation.name) in page(response)
    assert not CommitteeMember.objects.exists()


@pytest.mark.parametrize("offer_status", ["draft", "withdrawn"])
def test_a_nominee_of_an_organisation_without_a_submitted_offer_is_appointed(official, offer_status):
    call = evaluated_call()
    application, _ = accepted_offer(call, status=offer_status)
    member = services.member_appoint(
        actor=official,
        evaluation=services.evaluation_for(call),
        user=UserFactory(),
        role=MemberRole.NGO_NOMINEE,
        nominated_by=application.organisation,
    )
    assert member.nominated_by == application.organisation


def test_a_nominee_needs_a_nominating_organisation_and_others_have_none(official):
    evaluation = services.evaluation_for(evaluated_call())
    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(actor=official, evaluation=evaluation, user=UserFactory(), role=MemberRole.NGO_NOMINEE)
    assert "nominated_by" in excinfo.value.errors
    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(
            actor=official,
            evaluation=evaluation,
            user=UserFactory(),
            role=MemberRole.EXPERT,
            nominated_by=OrganisationFactory(),
        )
    assert "nominated_by" in excinfo.value.errors


def test_one_chair_experts_never_and_the_chair_moves_explicitly(official):
    evaluation = services.evaluation_for(evaluated_call())
    first = services.member_appoint(
        actor=official, evaluation=evaluation, user=UserFactory(), role=MemberRole.OFFICIAL, is_chair=True
    )
    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(
            actor=official, evaluation=evaluation, user=UserFactory(), role=MemberRole.OFFICIAL, is_chair=True
        )
    assert "is_chair" in excinfo.value.errors
    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(
            actor=official, evaluation=evaluation, user=UserFactory(), role=MemberRole.EXPERT, is_chair=True
        )
    assert "is_chair" in excinfo.value.errors
    expert = services.member_appoint(actor=official, evaluation=evaluation, user=UserFactory(), role=MemberRole.EXPERT)
    with pytest.raises(DomainError):
        services.member_make_chair(actor=official, member=expert)
    second = services.member_appoint(actor=official, evaluation=evaluation, user=UserFactory(), role="official")

    services.member_make_chair(actor=official, member=second)

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.is_chair, second.is_chair) == (False, True)
    assert evaluation.chair() == second
    # through the panel as well
    response = html_client(official).post(f"/panel/committee-members/{first.pk}/chair/")
    assert response.status_code == 302
    assert evaluation.chair() == first


def test_the_same_person_is_appointed_once(official):
    evaluation = services.evaluation_for(evaluated_call())
    person = UserFactory()
    services.member_appoint(actor=official, evaluation=evaluation, user=person, role="official")
    with pytest.raises(DomainError) as excinfo:
        services.member_appoint(actor=official, evaluation=evaluation, user=person, role="expert")
    assert "user" in excinfo.value.errors


@pytest.mark.parametrize("role", ["approver", "ngo_member", "anonymous"])
def test_only_officials_appoint(role, user_of_role):
    evaluation = services.evaluation_for(evaluated_call())
    actor = user_of_role(role) if role != "anonymous" else AnonymousUser()
    with pytest.raises(NotAllowed):
        services.member_appoint(actor=actor, evaluation=evaluation, user=UserFactory(), role="official")
    assert not CommitteeMember.objects.exists()


def test_the_approver_sees_the_committee_page_but_cannot_appoint(approver):
    call = evaluated_call()
    client = html_client(approver)
    assert client.get(f"/panel/calls/{call.pk}/committee/").status_code == 200
    response = client.post(
        f"/panel/calls/{call.pk}/committee/appoint/", {"email": UserFactory().email, "role": "official"}
    )
    assert response.status_code == 403
    assert not CommitteeMember.objects.exists()


def test_a_committee_is_not_appointed_for_a_draft_or_after_the_scoring_closed(official):
    with pytest.raises(InvalidState):
        services.member_appoint(
            actor=official,
            evaluation=services.evaluation_for(call_in_state("draft")),
            user=UserFactory(),
            role="official",
        )
    world = Committee(evaluation_status="closed")
    with pytest.raises(NotAllowed):
        services.member_appoint(actor=world.official, evaluation=world.evaluation, user=UserFactory(), role="official")


def test_a_member_is_removed_until_they_have_a_card(official):
    world = Committee(evaluation_status="scoring")
    services.member_remove(actor=official, member=world.unsigned, reason="Rezygnacja")
    assert not CommitteeMember.objects.filter(pk=world.unsigned.pk).exists()
    removal = status_changes(world.evaluation).get(transition="member_remove")
    assert (removal.reason, removal.data["user"]) == ("Rezygnacja", world.unsigned.user_id)

    fill_card(world.voter, world.offer)
    with pytest.raises(DomainError) as excinfo:
        services.member_remove(actor=official, member=world.voter)
    assert excinfo.value.code == "member_has_scored"
    assert CommitteeMember.objects.filter(pk=world.voter.pk).exists()
    # the panel shows the same refusal with its reason
    response = html_client(official).post(f"/panel/committee-members/{world.voter.pk}/remove/")
    assert response.status_code == 400
    assert CommitteeMember.objects.filter(pk=world.voter.pk).exists()


# --- The impartiality declaration and exclusions -------------------------------------------------------


def test_signing_keeps_the_text_and_its_digest_and_excludes_by_membership_and_by_declared_link():
    call = evaluated_call()
    own_offer, _ = accepted_offer(call, title="Oferta własnej organizacji")
    linked_offer, _ = accepted_offer(call, title="Oferta organizacji powiązanej")
    free_offer, _ = accepted_offer(call, title="Oferta bez powiązań")
    evaluation = services.evaluation_for(call)
    person = make_ngo_member(own_offer.organisation)
    member = seat(evaluation, person, role=MemberRole.NGO_NOMINEE)

    declaration = services.declaration_sign(
        actor=person, evaluation=evaluation, linked_organisations=[linked_offer.organisation]
    )

    assert declaration.text == evaluation.declaration_text
    assert declaration.text_sha256 == hashlib.sha256(evaluation.declaration_text.encode()).hexdigest()
    assert list(declaration.linked_organisations.all()) == [linked_offer.organisation]
    exclusions = {e.application: e for e in Exclusion.objects.filter(member=member)}
    assert set(exclusions) == {own_offer, linked_offer}
    assert all(e.automatic for e in exclusions.values())
    assert own_offer.organisation.name in exclusions[own_offer].ground
    assert linked_offer.organisation.name in exclusions[linked_offer].ground
    assert rules.can_read_offer(person, evaluation, free_offer)
    assert not rules.can_read_offer(person, evaluation, own_offer)
    # signing twice is refused
    with pytest.raises(NotAllowed):
        services.declaration_sign(actor=person, evaluation=evaluation)


def test_an_unconfirmed_membership_is_no_automatic_exclusion():
    call = evaluated_call()
    application, _ = accepted_offer(call)
    evaluation = services.evaluation_for(call)
    person = UserFactory()
    Membership.objects.create(user=person, organisation=application.organisation, confirmed_at=None)
    member = seat(evaluation, person)
    services.declaration_sign(actor=person, evaluation=evaluation)
    assert not member.exclusions.exists()


def test_the_declaration_page_signs_and_then_lists_the_offers_with_the_exclusions():
    world = Committee()
    person = world.unsigned.user
    client = html_client(person)
    # the committee page sends an unsigned member to the declaration
    response = client.get(f"/evaluation/calls/{world.call.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/evaluation/calls/{world.call.pk}/declaration/"
    # refused without the tick, keeping the chosen organisations
    response = client.post(
        f"/evaluation/calls/{world.call.pk}/declaration/", {"linked_organisations": [world.other.organisation_id]}
    )
    assert response.status_code == 400
    assert not ImpartialityDeclaration.objects.filter(member=world.unsigned).exists()
    assert re.search(rf'name="linked_organisations" value="{world.other.organisation_id}"[^>]*checked', page(response))

    response = client.post(
        f"/evaluation/calls/{world.call.pk}/declaration/",
        {"linked_organisations": [world.other.organisation_id], "confirm": "on"},
    )
    assert response.status_code == 302
    listing = page(client.get(f"/evaluation/calls/{world.call.pk}/"))
    assert f"/evaluation/offers/{world.offer.pk}/" in listing
    assert f"/evaluation/offers/{world.other.pk}/" not in listing  # excluded: listed, not linked
    assert escape(world.other.title) in listing
    assert escape(Exclusion.objects.get(member=world.unsigned).ground) in listing


def test_before_signing_a_member_sees_no_offer_title_and_no_content():
    world = Committee(evaluation_status="scoring")
    client = html_client(world.unsigned.user)
    pages = [
        client.get("/evaluation/"),
        client.get(f"/evaluation/calls/{world.call.pk}/", follow=True),
        client.get(f"/evaluation/calls/{world.call.pk}/declaration/"),
        client.get(f"/evaluation/offers/{world.offer.pk}/"),
        client.get(f"/evaluation/offers/{world.offer.pk}/card/"),
        client.get(f"/evaluation/calls/{world.call.pk}/exclusions/new/"),
        client.get(f"/evaluation/calls/{world.call.pk}/progress/"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 403, 403, 403, 403]
    for response in pages:
        text = page(response)
        if 'name="linked_organisations"' in text:  # the declaration (also where the committee page leads)
            # the declaration offers the whole register for declaring links: every organisation, one option each
            checkbox = r'<label[^>]*><input type="checkbox" name="linked_organisations"[^>]*>[^<]*</label>'
            assert len(re.findall(checkbox, text)) == Organisation.objects.count()
            text = re.sub(checkbox, "", text)
        for application in (world.offer, world.other):
            assert escape(application.title) not in text
            assert escape(application.organisation.name) not in text
        assert "Półkolonie dla dzieci z Zabrza" not in text  # the offers' synopsis
    assert pl(rules.NOT_SIGNED) in page(pages[3])
    # nor through the API
    assert api_client(world.unsigned.user).get(f"/api/v1/applications/{world.offer.pk}/").status_code == 404
    assert api_client(world.unsigned.user).get("/api/v1/applications/").json()["count"] == 0


def test_a_signed_member_reads_the_offer_and_an_excluded_one_is_refused_with_the_reason():
    world = Committee(evaluation_status="scoring")
    response = html_client(world.voter.user).get(f"/evaluation/offers/{world.offer.pk}/")
    assert response.status_code == 200
    assert "Półkolonie dla dzieci z Zabrza" in page(response)
    for path in [f"/evaluation/offers/{world.offer.pk}/", f"/evaluation/offers/{world.offer.pk}/card/"]:
        response = html_client(world.excluded.user).get(path)
        assert response.status_code == 403, path
        assert pl(rules.EXCLUDED) in page(response)
        assert "Półkolonie dla dzieci z Zabrza" not in page(response)
    response = html_client(world.excluded.user).post(
        f"/evaluation/offers/{world.offer.pk}/card/", {"action": "save", "remarks": "x"}
    )
    assert response.status_code == 403
    # the excluded member still reads the other offer
    assert html_client(world.excluded.user).get(f"/evaluation/offers/{world.other.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["ngo_member", "official_off_the_committee", "anonymous"])
def test_people_off_the_committee_get_404_for_the_member_offer_page(who):
    world = Committee(evaluation_status="scoring")
    user = {"ngo_member": world.ngo_member, "official_off_the_committee": world.official, "anonymous": None}[who]
    response = html_client(user).get(f"/evaluation/offers/{world.offer.pk}/")
    assert response.status_code == (302 if user is None else 404)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def submitted_world(settings, tmp_path, official):
    """A committee on a call whose first offer was really submitted (PDFs stored) with an attachment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call = open_call()
    application, member = offer(call)
    attachment = attachment_add(
        application=application,
        actor=member,
        kind=AttachmentKind.STATUTE,
        upload=SimpleUploadedFile("statut.pdf", PDF, content_type="application/pdf"),
    )
    application_services.application_submit(application=application, actor=member)
    Call.objects.filter(pk=call.pk).update(status="in_evaluation")
    application_services.application_accept_formally(application=application, actor=official, checklist=all_met(call))
    evaluation = services.evaluation_for(call)
    return {
        "application": application,
        "attachment": attachment,
        "signed": seat(evaluation, signed=True),
        "unsigned": seat(evaluation),
        "excluded": excluded_by_declared_link(evaluation, application.organisation),
        "outsider": make_ngo_member(),
    }


def excluded_by_declared_link(evaluation, organisation):
    # (a member of the offering organisation would see the offer as its member anyway)
    member = seat(evaluation)
    services.declaration_sign(actor=member.user, evaluation=evaluation, linked_organisations=[organisation])
    assert member.exclusions.exists()
    return member


def downloads(application, attachment):
    return [
        f"/offers/documents/{application.pk}/offer.pdf",
        f"/offers/documents/{application.pk}/confirmation.pdf",
        f"/offers/{application.pk}/attachments/{attachment.pk}/",
    ]


def test_a_signed_member_downloads_the_offer_pdf_and_its_attachments(submitted_world):
    application, attachment = submitted_world["application"], submitted_world["attachment"]
    user = submitted_world["signed"].user
    for path in downloads(application, attachment):
        response = html_client(user).get(path)
        assert response.status_code == 200, path
    api = api_client(user)
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert api.get(f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["unsigned", "excluded", "outsider"])
def test_an_unsigned_or_excluded_member_gets_404_for_the_offer_pdf_and_attachments(submitted_world, who):
    application, attachment = submitted_world["application"], submitted_world["attachment"]
    user = submitted_world[who] if who == "outsider" else submitted_world[who].user
    for path in downloads(application, attachment):
        assert html_client(user).get(path).status_code == 404, path
    api = api_client(user)
    assert api.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert api.get(f"/api/v1/applications/{application.pk}/offer_pdf/").status_code == 404
    assert api.get(f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/").status_code == 404
    assert api.get("/api/v1/applications/").json()["count"] == 0


def test_committee_members_see_no_offer_before_the_formal_check_passed():
    world = Committee(evaluation_status="scoring")
    pending, _ = accepted_offer(world.call, status=ApplicationStatus.SUBMITTED, title="Oferta w ocenie formalnej")
    assert html_client(world.voter.user).get(f"/offers/{pending.pk}/").status_code == 404
    assert escape(pending.title) not in page(html_client(world.voter.user).get(f"/evaluation/calls/{world.call.pk}/"))
    ids = {row["id"] for row in api_client(world.voter.user).get("/api/v1/applications/").json()["results"]}
    assert ids == {world.offer.pk, world.other.pk}


def test_a_member_records_their_own_exclusion_and_the_chair_records_anyones():
    world = Committee(evaluation_status="scoring")
    # a member, for themselves
    response = html_client(world.voter.user).post(
        f"/evaluation/calls/{world.call.pk}/exclusions/new/",
        {"member": world.voter.pk, "application": world.other.pk, "ground": "Szwagier prezesa oferenta."},
    )
    assert response.status_code == 302
    exclusion = Exclusion.objects.get(member=world.voter, application=world.other)
    assert (exclusion.automatic, exclusion.recorded_by, exclusion.ground) == (
        False,
        world.voter.user,
        "Szwagier prezesa oferenta.",
    )
    assert html_client(world.voter.user).get(f"/evaluation/offers/{world.other.pk}/").status_code == 403
    # but not for someone else (their form offers only their own seat; the service refuses too)
    response = html_client(world.voter.user).post(
        f"/evaluation/calls/{world.call.pk}/exclusions/new/",
        {"member": world.expert.pk, "application": world.other.pk, "ground": "Podejrzenie"},
    )
    assert response.status_code == 400
    with pytest.raises(NotAllowed):
        services.exclusion_record(actor=world.voter.user, member=world.expert, application=world.other, ground="x")
    # the chair records anyone's; a ground is required
    with pytest.raises(DomainError) as excinfo:
        services.exclusion_record(actor=world.chair.user, member=world.expert, application=world.other, ground=" ")
    assert "ground" in excinfo.value.errors
    services.exclusion_record(actor=world.chair.user, member=world.expert, application=world.other, ground="Pracownik")
    # and so does an official, from the member area's form
    response = html_client(world.official).post(
        f"/evaluation/calls/{world.call.pk}/exclusions/new/",
        {"member": world.chair.pk, "application": world.other.pk, "ground": "Członek zarządu oferenta."},
    )
    assert response.status_code == 302 and response["Location"] == f"/panel/calls/{world.call.pk}/committee/"
    assert Exclusion.objects.filter(automatic=False).count() == 3
    # the exclusions are on the record in the panel
    listing = page(html_client(world.official).get(f"/panel/calls/{world.call.pk}/committee/"))
    assert "Szwagier prezesa oferenta." in listing and "Członek zarządu oferenta." in listing


def test_an_exclusion_is_not_recorded_twice_nor_after_scoring_closed():
    world = Committee(evaluation_status="scoring")
    with pytest.raises(DomainError):
        services.exclusion_record(actor=world.official, member=world.excluded, application=world.offer, ground="x")
    Evaluation.objects.filter(pk=world.evaluation.pk).update(status="closed")
    with pytest.raises(NotAllowed):
        services.exclusion_record(actor=world.official, member=world.voter, application=world.other, ground="x")


def test_my_committees_lists_the_seats_of_the_person_only():
    world = Committee()
    text = page(html_client(world.voter.user).get("/evaluation/"))
    assert escape(world.call.title) in text
    other_call_world = Committee()
    assert escape(other_call_world.call.title) not in page(html_client(world.voter.user).get("/evaluation/"))
    assert "/evaluation/calls/" not in page(html_client(world.ngo_member).get("/evaluation/"))


# --- Opening the scoring ----------------------------------------------------------------------------


def test_the_scoring_opens_only_with_a_chair_a_voting_member_and_the_call_in_evaluation(official):
    call = evaluated_call()
    evaluation = services.evaluation_for(call)
    seat(evaluation, role=MemberRole.EXPERT)
    with pytest.raises(DomainError) as excinfo:
        services.scoring_open(actor=official, evaluation=evaluation)
    problems = excinfo.value.errors["__all__"]
    assert len(problems) == 2  # no chair, no voting member
    # the panel shows every reason and answers 400
    response = html_client(official).post(f"/panel/calls/{call.pk}/committee/open-scoring/")
    assert response.status_code == 400
    for problem in problems:
        assert escape(problem) in page(response)
    seat(evaluation, is_chair=True)
    response = html_client(official).post(f"/panel/calls/{call.pk}/committee/open-scoring/")
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "scoring" and evaluation.scoring_opened_at is not None


def test_the_scoring_does_not_open_while_the_call_is_not_in_evaluation(official):
    call = call_in_state("closed")
    evaluation = services.evaluation_for(call)
    seat(evaluation, is_chair=True)
    with pytest.raises(DomainError) as excinfo:
        services.scoring_open(actor=official, evaluation=evaluation)
    assert excinfo.value.code == "not_ready" and len(excinfo.value.errors["__all__"]) == 1


def test_a_nominee_whose_organisation_applied_after_the_appointment_blocks_the_opening(official):
    call = call_in_state("announced")
    evaluation = services.evaluation_for(call)
    organisation = OrganisationFactory(verified_at=timezone.now())
    seat(evaluation, is_chair=True)
    services.member_appoint(
        actor=official, evaluation=evaluation, user=UserFactory(), role="ngo_nominee", nominated_by=organisation
    )
    # the organisation submits an offer after its nominee was appointed; the call goes to evaluation
    Application.objects.create(call=call, organisation=organisation, title="Późna oferta", status="formally_accepted")
    Call.objects.filter(pk=call.pk).update(status="in_evaluation")
    evaluation.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        services.scoring_open(actor=official, evaluation=evaluation)
    assert any(organisation.name in problem for problem in excinfo.value.errors["__all__"])


# --- The appointment notice, delivered ----------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_appointment_notice_reaches_the_persons_inbox(celery_worker, mailbox):
    official = UserFactory(roles=[OFFICIAL])
    call = evaluated_call()
    person = UserFactory(email="komisja@example.org", first_name="Ewa", last_name="Nowak")
    response = html_client(official).post(
        f"/panel/calls/{call.pk}/committee/appoint/", {"email": person.email, "role": "official"}
    )
    assert response.status_code == 302
    wait_for(lambda: mailbox.to(person.email), timeout=20, message="the appointment notice")
    (message,) = mailbox.to(person.email)
    (_, address), *_ = getaddresses(message.get_all("To"))
    assert address == person.email
    assert call.title in message["Subject"]
    assert f"/evaluation/calls/{call.pk}/" in message.get_body(preferencelist=("plain",)).get_content()


def test_an_official_on_the_committee_sees_no_offer_of_the_call_before_signing_and_never_one_excluded_from():
    """A seat binds officials too: the offer page, its PDF, the API list and the panel's list."""
    from applications.enums import ApplicationStatus
    from evaluation.models import CommitteeMember, Exclusion, ImpartialityDeclaration
    from evaluation.services import evaluation_for
    from tests.applications.helpers import offer
    from tests.clients import api_client, html_client
    from tests.factories import UserFactory

    application, _member = offer(status=ApplicationStatus.FORMALLY_ACCEPTED)
    other, _ = offer(call=application.call, status=ApplicationStatus.FORMALLY_ACCEPTED)
    evaluation = evaluation_for(application.call)
    official = UserFactory(roles=["official"])
    seat = CommitteeMember.objects.create(evaluation=evaluation, user=official, role="official")
    browser, client = html_client(official), api_client(official)

    assert browser.get(f"/offers/{application.pk}/").status_code == 404
    assert client.get("/api/v1/applications/", {"call": application.call_id}).json()["results"] == []
    page = browser.get(f"/panel/calls/{application.call_id}/offers/").content.decode()
    assert application.title not in page

    ImpartialityDeclaration.objects.create(member=seat, text=evaluation.declaration_text, text_sha256="x")
    Exclusion.objects.create(member=seat, application=other, ground="Członek zarządu oferenta.")
    assert browser.get(f"/offers/{application.pk}/").status_code == 200
    assert browser.get(f"/offers/{other.pk}/").status_code == 404
    listed = [a["id"] for a in client.get("/api/v1/applications/", {"call": application.call_id}).json()["results"]]
    assert listed == [application.pk]


def test_the_scoring_does_not_open_while_an_offer_still_waits_for_the_formal_check(official):
    call = evaluated_call()
    accepted_offer(call)
    waiting, _member = accepted_offer(call, status=ApplicationStatus.SUBMITTED, title="Czeka na ocenę formalną")
    evaluation = services.evaluation_for(call)
    seat(evaluation, is_chair=True)
    with pytest.raises(DomainError) as excinfo:
        services.scoring_open(actor=official, evaluation=evaluation)
    assert excinfo.value.errors["__all__"] == ["1 oferta czeka jeszcze na ocenę formalną (lub uzupełnienie)."]
    type(waiting).objects.filter(pk=waiting.pk).update(status=ApplicationStatus.FORMALLY_REJECTED)
    services.scoring_open(actor=official, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == "scoring"


def test_the_scoring_of_a_call_cancelled_meanwhile_cannot_be_closed(official):
    from calls.models import Call
    from core.errors import InvalidState

    call = evaluated_call()
    offer_in_call, _member = accepted_offer(call)
    evaluation = services.evaluation_for(call)
    seat(evaluation, is_chair=True)
    services.scoring_open(actor=official, evaluation=evaluation)
    Call.objects.filter(pk=call.pk).update(status="cancelled")
    with pytest.raises(InvalidState):
        services.scoring_close(actor=official, evaluation=evaluation)
    offer_in_call.refresh_from_db()
    evaluation.refresh_from_db()
    assert offer_in_call.status == ApplicationStatus.FORMALLY_ACCEPTED and evaluation.status == "scoring"
