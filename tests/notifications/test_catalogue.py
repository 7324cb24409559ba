"""The catalogue of notices (docs/notices.md) names every notice template there is."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_every_notice_template_is_in_the_catalogue():
    catalogue = (ROOT / "docs" / "notices.md").read_text(encoding="utf-8")
    templates = sorted(
        path.name.removesuffix("_subject.txt") for path in (ROOT / "templates" / "notifications").glob("*_subject.txt")
    )
    assert templates, "no notice templates found"
    missing = [name for name in templates if f"`{name}`" not in catalogue]
    assert missing == []


def test_every_notice_template_has_a_plain_text_and_an_html_part():
    folder = ROOT / "templates" / "notifications"
    for subject in folder.glob("*_subject.txt"):
        name = subject.name.removesuffix("_subject.txt")
        assert (folder / f"{name}_body.txt").exists(), name
        assert (folder / f"{name}_body.html").exists(), name
