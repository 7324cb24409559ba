"""The public feeds of calls: Atom (announced calls, newest first) and iCalendar (offer deadlines, RFC 5545),
both linked from the list of calls; drafts are in neither."""

import datetime
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from calls.enums import CallStatus
from calls.feeds import ical_fold
from tests.calls.helpers import local
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
WARSAW = ZoneInfo("Europe/Warsaw")


def announced(title, deadline, announced_days_ago, status=CallStatus.ANNOUNCED):
    published = timezone.now() - datetime.timedelta(days=announced_days_ago + 1)
    return CallFactory(
        title=title,
        status=status,
        published_bip_at=published,
        offer_deadline=deadline,
        announced_at=timezone.now() - datetime.timedelta(days=announced_days_ago),
    )


@pytest.fixture
def calls():
    """Deadlines on both sides of the spring (29 March 2026) and autumn (25 October 2026) clock changes."""
    return {
        "winter": announced("Konkurs zimowy; sport, kultura", local(2026, 3, 27, 16, 0), 30),
        "summer": announced("Konkurs letni", local(2026, 3, 31, 16, 0), 20, status=CallStatus.CLOSED),
        "autumn": announced(
            "Konkurs jesienny „Zdrowe Zabrze” — zajęcia sportowe dla dzieci i młodzieży z dzielnic Mikulczyce i Rokitnica",
            local(2026, 10, 26, 12, 0),
            10,
        ),
        "draft": CallFactory(title="Szkic konkursu", offer_deadline=local(2026, 12, 1, 12, 0)),
    }


def test_the_atom_feed_lists_announced_calls_newest_first_with_deadline_and_link(calls):
    response = Client().get("/feeds/calls.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response, not untrusted data
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        calls["autumn"].title,
        calls["summer"].title,
        calls["winter"].title,
    ]
    for entry, key in zip(entries, ["autumn", "summer", "winter"], strict=True):
        call = calls[key]
        link = entry.find(f"{ATOM}link").get("href")
        assert link.endswith(f"/calls/{call.pk}/")
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
    summary = entries[1].findtext(f"{ATOM}summary")
    assert "31 marca 2026, 16:00" in summary  # the Warsaw wall clock, in Polish
    assert "Szkic" not in response.content.decode()


def _unfold(content):
    return re.sub(rb"\r\n[ \t]", b"", content).decode("utf-8")


def _unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_ics(content):
    """A small RFC 5545 reader: unfold, split into components, properties as {NAME: (params, value)}."""
    root, stack = None, []
    for line in _unfold(content).split("\r\n"):
        if not line:
            continue
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        if name == "BEGIN":
            component = {"name": value, "props": {}, "children": []}
            if stack:
                stack[-1]["children"].append(component)
            else:
                root = component
            stack.append(component)
        elif name == "END":
            assert stack.pop()["name"] == value
        else:
            assert stack, f"property outside a component: {line}"
            stack[-1]["props"][name] = (params, value)
    assert not stack
    return root


def _utc(value):
    assert value.endswith("Z"), value
    return datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)


def test_the_calendar_is_valid_rfc_5545_with_each_deadline_at_the_right_warsaw_time(calls):
    response = Client().get("/feeds/deadlines.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    content = response.content

    # CRLF line endings only, each line at most 75 octets, continuation lines start with a space
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"") and b"\r" not in content.replace(b"\r\n", b"")
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    for line in lines:
        line.decode("utf-8")  # never folded inside a character

    calendar = parse_ics(content)
    assert calendar["name"] == "VCALENDAR"
    assert calendar["props"]["VERSION"][1] == "2.0"
    assert calendar["props"]["PRODID"][1]
    events = [c for c in calendar["children"] if c["name"] == "VEVENT"]
    assert len(events) == 3  # not the draft
    uids = [e["props"]["UID"][1] for e in events]
    assert len(set(uids)) == 3

    by_url = {e["props"]["URL"][1].rsplit("/calls/", 1)[1]: e["props"] for e in events}
    expected = {"winter": (2026, 3, 27, 16), "summer": (2026, 3, 31, 16), "autumn": (2026, 10, 26, 12)}
    for key, (year, month, day, hour) in expected.items():
        call = calls[key]
        props = by_url[f"{call.pk}/"]
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"):
            assert required in props, (key, required)
        start = _utc(props["DTSTART"][1]).astimezone(WARSAW)
        assert (start.year, start.month, start.day, start.hour, start.minute) == (year, month, day, hour, 0)
        assert call.title in _unescape(props["SUMMARY"][1])
        _utc(props["DTSTAMP"][1])
    # one hour apart in UTC across the spring change: 15:00Z in winter time, 14:00Z in summer time
    assert by_url[f"{calls['winter'].pk}/"]["DTSTART"][1] == "20260327T150000Z"
    assert by_url[f"{calls['summer'].pk}/"]["DTSTART"][1] == "20260331T140000Z"
    assert by_url[f"{calls['autumn'].pk}/"]["DTSTART"][1] == "20261026T110000Z"
    # TEXT values are escaped: the comma and semicolon of the winter title
    assert "Konkurs zimowy\\; sport\\, kultura" in by_url[f"{calls['winter'].pk}/"]["SUMMARY"][1]


def test_folding_never_splits_a_character_and_keeps_the_text():
    line = "SUMMARY:" + "żółć " * 40
    folded = ical_fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line


def test_the_list_of_calls_links_both_feeds(calls):
    page = Client().get("/calls/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/calls.atom"' in page
    assert '<link rel="alternate" type="text/calendar" href="/feeds/deadlines.ics"' in page
    assert 'href="/feeds/calls.atom"' in page.split("<main", 1)[1]
    assert 'href="/feeds/deadlines.ics"' in page.split("<main", 1)[1]
    assert 'href="/subscribe/"' in page
