import pytest

from tests.factories import CallFactory


@pytest.mark.django_db
def test_public_call_page_shows_the_call(client):
    call = CallFactory(status="announced")
    response = client.get(f"/calls/{call.pk}/")
    assert response.status_code == 200
    assert call.title in response.content.decode()
