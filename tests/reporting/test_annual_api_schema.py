"""The programme reports' API documents itself without warnings of its own (tests/config/test_api_schema.py
fails on any warning once config/urls.py registers it)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
@pytest.mark.urls("tests.reporting.annual_test_urls")
def test_the_openapi_schema_has_the_programme_reports_without_warnings_about_them(tmp_path, capsys):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--urlconf", "tests.reporting.annual_test_urls", "--file", str(out))
    warnings = capsys.readouterr().err
    assert "annual_api" not in warnings and "ProgrammeReport" not in warnings
    schema = out.read_text()
    assert "/api/v1/programme-reports/" in schema
    assert "/api/v1/programme-reports/{year}/" in schema
