import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_lists_the_transitions(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ["/api/v1/programmes/", "/api/v1/tasks/", "/api/v1/calls/{id}/announce/", "/api/v1/calls/{id}/cancel/"]:
        assert path in schema


@pytest.mark.django_db
def test_api_docs_are_served_without_any_cdn(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert client.get("/api/schema/").status_code == 200
