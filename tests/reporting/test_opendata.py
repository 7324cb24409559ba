"""Open data of the grants awarded: CSV that opens with the csv module and adds up to the programme report,
and a 360Giving data package that validates against the standard's schema (tests/fixtures/360giving)."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from organisations.models import Organisation
from reporting.annual import programme_report_figures

from .annual_panel_requests import YEAR, annual_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.annual_test_urls")]

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "360giving"
GRANT_SCHEMA_URL = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/master/schema/360-giving-schema.json"


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _date_time(value):
    """RFC 3339 date-time, as 360Giving's validator (CoVE) checks it: a date alone is not one."""
    if not isinstance(value, str):
        return True
    return bool(RFC3339.fullmatch(value)) and bool(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")))


def package_validator():
    """The package schema, with its reference to the grant schema resolved to the local copy, checking
    date-time formats (the schema's "date or date-time" choices are ``oneOf``: without that check a date
    would match both and be refused)."""
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    registry = Registry().with_resource(GRANT_SCHEMA_URL, Resource.from_contents(grant, default_specification=DRAFT4))
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_date_time)
    return Draft4Validator(package, registry=registry, format_checker=checker)


@pytest.fixture
def world():
    return annual_world()


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_grants_csv_opens_with_the_csv_module_and_adds_up_to_the_programme_report(world):
    response = Client().get(f"/open-data/grants.csv?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "public" in response["Cache-Control"]
    rows = _csv_rows(response)

    figures = programme_report_figures(programme=world.programme)
    assert sum(Decimal(r["amount_awarded"]) for r in rows) == figures["funds"]["awarded"]
    assert len(rows) == figures["offers"]["awarded"] + figures["small_grants"]["contracted"]
    assert {r["year"] for r in rows} == {str(YEAR)}
    assert all(r["currency"] == "PLN" for r in rows)
    # amounts with a dot and two places; dates ISO
    assert "1234.56" in {r["amount_awarded"] for r in rows}
    assert all(len(r["amount_awarded"].split(".")[1]) == 2 for r in rows)
    small = next(r for r in rows if r["mode"] == "small_grant")
    assert small["amount_awarded"] == "5000.00" and small["award_date"].startswith(str(YEAR))
    # nothing that was not awarded: the formally rejected, not awarded, withdrawn and draft offers are absent
    assert {r["mode"] for r in rows} == {"open_competition", "small_grant"}
    assert "Mały grant (published)" not in {r["title"] for r in rows}


def test_without_a_year_every_years_grants_are_listed_and_a_bad_year_is_a_clear_400(world):
    rows = _csv_rows(Client().get("/open-data/grants.csv"))
    assert {r["year"] for r in rows} == {str(YEAR - 1), str(YEAR)}
    for bad in ["20x5", "1800", "-1"]:
        for url in ["/open-data/grants.csv", "/open-data/grants.json"]:
            response = Client().get(url, {"year": bad})
            assert response.status_code == 400, (url, bad)
            body = response.json()
            assert body["code"] == "invalid_year" and body["message"]


def test_the_360giving_package_validates_against_the_standards_schema(world):
    response = Client().get(f"/open-data/grants.json?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()

    errors = sorted(package_validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    grants = package["grants"]
    assert len(grants) == 5
    assert sum(Decimal(str(g["amountAwarded"])) for g in grants) == Decimal("7934.56")
    assert all(g["currency"] == "PLN" and g["id"].startswith("360G-pozytek-") for g in grants)
    assert len({g["id"] for g in grants}) == len(grants)
    small = next(g for g in grants if g["fromOpenCall"] == "No")
    assert small["grantProgramme"][0]["code"] == "art-19a"
    assert small["plannedDates"] == [{"startDate": f"{YEAR}-07-01", "endDate": f"{YEAR}-08-31"}]


def test_the_validator_does_refuse_a_broken_grant(world):
    package = Client().get(f"/open-data/grants.json?year={YEAR}").json()
    del package["grants"][0]["recipientOrganization"]
    package["grants"][1]["currency"] = "ZLOTY"
    assert len(list(package_validator().iter_errors(package))) >= 2


def test_recipients_are_identified_by_krs_then_regon_then_a_local_id(world):
    organisations = [a.organisation for a in world.agreements.values()]
    Organisation.objects.filter(pk=organisations[0].pk).update(krs="0000012345", regon="")
    Organisation.objects.filter(pk=organisations[1].pk).update(krs="", regon="123456785")
    Organisation.objects.filter(pk=organisations[2].pk).update(krs="", regon="")
    grants = Client().get(f"/open-data/grants.json?year={YEAR}").json()["grants"]
    recipients = {g["recipientOrganization"][0]["id"] for g in grants}
    assert "PL-KRS-0000012345" in recipients
    assert "PL-REGON-123456785" in recipients
    assert f"360G-pozytek-org-{organisations[2].pk}" in recipients


def test_the_funder_and_prefix_come_from_the_settings(world, settings):
    settings.OPEN_DATA_PREFIX = "360G-zabrze-"
    settings.FUNDER_ID = "PL-REGON-000000000"
    settings.FUNDER_NAME = "Miasto Zabrze"
    package = Client().get(f"/open-data/grants.json?year={YEAR}").json()
    assert all(g["id"].startswith("360G-zabrze-") for g in package["grants"])
    assert {g["fundingOrganization"][0]["name"] for g in package["grants"]} == {"Miasto Zabrze"}
    assert package["publisher"]["identifier"] == "PL-REGON-000000000"


def test_the_open_data_page_links_the_files_by_year(world):
    page = Client().get("/open-data/").content.decode()
    assert "/open-data/grants.csv" in page and "/open-data/grants.json" in page
    assert f"/open-data/grants.json?year={YEAR}" in page
    assert f"/programme/{YEAR}/report/" in page


@pytest.mark.parametrize("year", ["²", "٣", "20x6", "1999"])
def test_a_year_that_is_not_a_plain_number_in_range_is_refused_with_a_clear_message(client, year):
    response = client.get("/open-data/grants.json", {"year": year})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_year"


def test_amounts_are_written_as_exact_decimal_numbers_never_through_float():
    from decimal import Decimal

    from reporting.opendata import _amount, package_json

    text = package_json({"grants": [{"amountAwarded": _amount(Decimal("12345678901.10"))}]})
    assert text == '{"grants": [{"amountAwarded": 12345678901.10}]}'
    assert package_json({"grants": [{"amountAwarded": _amount(Decimal("900.00"))}]}).endswith("900}]}")
