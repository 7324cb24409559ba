"""Every page of a small grant answers in every state, for every viewer: the page, a clear refusal or
404 — never a server error — and the status the viewer sees is the stored one."""

import datetime

import pytest
from django.utils import timezone, translation

from core.roles import APPROVER, OFFICIAL
from smallgrants.demo import seed_demo
from smallgrants.enums import SmallGrantStatus
from tests.clients import html_client
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.smallgrants.helpers import programme_of, small_grant

pytestmark = pytest.mark.django_db

PUBLIC = {SmallGrantStatus.PUBLISHED, SmallGrantStatus.COMMENTS_CLOSED, SmallGrantStatus.CONTRACTED}


def viewer(role, member):
    return {
        "official": lambda: UserFactory(roles=[OFFICIAL]),
        "approver": lambda: UserFactory(roles=[APPROVER]),
        "member": lambda: member,
        "other_member": make_ngo_member,
        "anonymous": lambda: None,
    }[role]()


@pytest.mark.parametrize("role", ["official", "approver", "member", "other_member", "anonymous"])
@pytest.mark.parametrize("state", list(SmallGrantStatus))
def test_the_offer_page_in_every_state(state, role):
    grant, member = small_grant(state)
    user = viewer(role, member)
    response = html_client(user).get(f"/small-grants/{grant.pk}/")
    sees = state in PUBLIC or role in ("official", "approver", "member")
    assert response.status_code == (200 if sees else 404)
    if sees:
        with translation.override("pl"):
            label = str(SmallGrantStatus(state).label)
        assert label in response.text
    if role in ("official", "approver"):
        panel = html_client(user).get(f"/panel/small-grants/{grant.pk}/")
        assert panel.status_code == 200 and grant.organisation.name in panel.text


def test_the_demo_data_seeds_one_offer_per_step_and_its_pages_open():

    programme_of((timezone.localdate() + datetime.timedelta(days=30)).year)
    organisations = [OrganisationFactory(verified_at=timezone.now()) for _ in range(2)]
    assert seed_demo(organisations=organisations) == 4
    assert seed_demo(organisations=organisations) == 0
    page = html_client().get("/small-grants/")
    assert "Sprzątanie brzegów Bytomki" in page.text and "Turniej szachowy dla dzieci" in page.text
    assert "Piknik rodzinny na Zandce" not in page.text
    official = UserFactory(roles=[OFFICIAL])
    assert "Warsztaty pierwszej pomocy dla seniorów" in html_client(official).get("/panel/small-grants/").text
