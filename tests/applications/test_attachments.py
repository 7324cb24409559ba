"""Offer attachments: checked by content not by name, size-capped, hashed, private, only for the
organisation's members and officials (everyone else gets 404, in HTML and the API)."""

import hashlib
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.attachments import attachment_add, attachment_delete
from applications.enums import ApplicationStatus, AttachmentKind
from applications.models import Attachment
from core.errors import DomainError, NotAllowed
from tests.applications.helpers import offer
from tests.clients import api_client, html_client
from tests.factories import UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"  # noqa: E501


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A valid 1×1 white PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    + _png_chunk(b"IEND", b"")
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add(application, member, name="statut.pdf", content=PDF, kind=AttachmentKind.STATUTE, content_type=None):
    return attachment_add(
        application=application,
        actor=member,
        kind=kind,
        upload=upload(name, content, content_type or "application/pdf"),
    )


def downloaded(response):
    return b"".join(response.streaming_content)


def test_a_member_uploads_a_pdf_and_a_png_and_downloads_the_exact_bytes(private_media):
    application, member = offer()
    client = html_client(member)
    response = client.post(
        f"/offers/{application.pk}/attachments/",
        {"kind": AttachmentKind.STATUTE, "file": upload("Statut stowarzyszenia.pdf", PDF)},
    )
    assert response.status_code == 302
    response = api_client(member).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": AttachmentKind.REGISTER_EXTRACT, "file": upload("odpis.png", PNG, "image/png")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert response.json()["content_type"] == "image/png"

    pdf, png = Attachment.objects.filter(application=application).order_by("pk")
    assert (pdf.sha256, pdf.size, pdf.content_type) == (hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf")
    assert pdf.original_name == "Statut stowarzyszenia.pdf"
    assert (png.sha256, png.content_type, png.uploaded_by) == (hashlib.sha256(PNG).hexdigest(), "image/png", member)
    assert pdf.uploaded_by == member and pdf.uploaded_at is not None
    # Stored under the private root, by digest, never by the uploader's name.
    assert pdf.file.name.startswith(f"attachments/{pdf.sha256[:2]}/{pdf.sha256}")
    assert (private_media / pdf.file.name).read_bytes() == PDF

    page = client.get(f"/offers/{application.pk}/attachments/")
    assert page.status_code == 200
    assert "Statut stowarzyszenia.pdf" in page.content.decode() and pdf.sha256 in page.content.decode()

    html = client.get(f"/offers/{application.pk}/attachments/{pdf.pk}/")
    assert html.status_code == 200
    assert downloaded(html) == PDF
    assert html["X-Content-SHA256"] == pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    assert html["Content-Type"] == "application/pdf"
    assert html["Content-Disposition"].startswith("attachment;")
    api = api_client(member).get(f"/api/v1/applications/{application.pk}/attachments/{png.pk}/")
    assert api.status_code == 200 and downloaded(api) == PNG and api["X-Content-SHA256"] == png.sha256
    listed = api_client(member).get(f"/api/v1/applications/{application.pk}/attachments/").json()
    assert [a["id"] for a in listed] == [pdf.pk, png.pk]


def test_a_renamed_text_file_is_refused_whatever_its_name_and_declared_type():
    application, member = offer()
    text = "Statut Stowarzyszenia Żółć — §1. Nazwa.".encode()
    with pytest.raises(DomainError) as refused:
        add(application, member, name="statut.pdf", content=text, content_type="application/pdf")
    assert refused.value.code == "file_type_not_accepted" and "file" in refused.value.errors

    response = html_client(member).post(
        f"/offers/{application.pk}/attachments/", {"kind": AttachmentKind.STATUTE, "file": upload("statut.pdf", text)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [str(refused.value.message)]
    assert 'enctype="multipart/form-data"' in response.content.decode()
    response = api_client(member).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": AttachmentKind.STATUTE, "file": upload("statut.pdf", text)},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_type_not_accepted" and body["errors"]["file"] and body["message"]
    assert not Attachment.objects.exists()


def test_a_file_over_the_cap_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    application, member = offer()
    big = PDF + b"%" * 64
    with pytest.raises(DomainError) as refused:
        add(application, member, content=big)
    assert refused.value.code == "file_too_large" and "file" in refused.value.errors
    response = api_client(member).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": AttachmentKind.OTHER, "file": upload("duzy.pdf", big)},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"
    assert add(application, member, content=PDF[:64]).size == 64  # exactly the cap is accepted
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("who", ["other_organisation", "member_of_none", "anonymous"])
def test_outsiders_get_404_for_the_attachments_in_html_and_the_api(who):
    application, member = offer()
    attachment = add(application, member)
    outsider = {
        "other_organisation": lambda: offer()[1],
        "member_of_none": lambda: UserFactory(),
        "anonymous": lambda: None,
    }[who]()
    html, api = html_client(outsider), api_client(outsider)
    paths = [
        f"/offers/{application.pk}/attachments/",
        f"/offers/{application.pk}/attachments/{attachment.pk}/",
    ]
    for path in paths:
        assert html.get(path).status_code == 404, path
    assert html.post(paths[0], {"kind": "other", "file": upload("x.pdf", PDF)}).status_code == 404
    assert html.post(f"{paths[1]}remove/").status_code == 404
    base = f"/api/v1/applications/{application.pk}/attachments/"
    for path in [base, f"{base}{attachment.pk}/"]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert api.post(base, {"kind": "other", "file": upload("x.pdf", PDF)}, format="multipart").status_code == 404
    assert api.delete(f"{base}{attachment.pk}/").status_code == 404
    assert Attachment.objects.count() == 1


def test_an_attachment_of_another_offer_is_not_reachable_through_ones_own_offer():
    application, member = offer()
    other, other_member = offer()
    theirs = add(other, other_member)
    assert html_client(member).get(f"/offers/{application.pk}/attachments/{theirs.pk}/").status_code == 404
    api = api_client(member)
    assert api.get(f"/api/v1/applications/{application.pk}/attachments/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["official", "approver"])
def test_officials_and_the_approver_download_but_do_not_upload(role, request):
    staff = request.getfixturevalue(role)
    application, member = offer()
    attachment = add(application, member)
    response = html_client(staff).get(f"/offers/{application.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and downloaded(response) == PDF
    page = html_client(staff).get(f"/offers/{application.pk}/attachments/")
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    api = api_client(staff)
    response = api.get(f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and downloaded(response) == PDF
    response = api.post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": "other", "file": upload("x.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_after_submission_only_the_signed_confirmation_can_be_uploaded():
    application, member = offer(status=ApplicationStatus.SUBMITTED)
    for kind in [AttachmentKind.STATUTE, AttachmentKind.REGISTER_EXTRACT, AttachmentKind.OTHER]:
        with pytest.raises(NotAllowed):
            add(application, member, kind=kind)
    response = html_client(member).post(
        f"/offers/{application.pk}/attachments/", {"kind": AttachmentKind.STATUTE, "file": upload("statut.pdf", PDF)}
    )
    assert response.status_code == 400
    response = api_client(member).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": AttachmentKind.OTHER, "file": upload("inne.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 403 and response.json()["message"]
    assert not Attachment.objects.exists()

    response = api_client(member).post(
        f"/api/v1/applications/{application.pk}/attachments/",
        {"kind": AttachmentKind.SIGNED_CONFIRMATION, "file": upload("potwierdzenie.jpg", b"\xff\xd8\xff\xe0JFIF")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    signed = Attachment.objects.get()
    assert (signed.kind, signed.content_type) == (AttachmentKind.SIGNED_CONFIRMATION, "image/jpeg")
    with pytest.raises(NotAllowed):
        attachment_delete(attachment=signed, actor=member)


def test_the_signed_confirmation_waits_for_the_submission_and_a_draft_attachment_can_be_removed(
    private_media, django_capture_on_commit_callbacks
):
    application, member = offer()
    with pytest.raises(NotAllowed):
        add(application, member, kind=AttachmentKind.SIGNED_CONFIRMATION)
    attachment = add(application, member)
    path = private_media / attachment.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = html_client(member).post(f"/offers/{application.pk}/attachments/{attachment.pk}/remove/")
    assert response.status_code == 302
    assert not Attachment.objects.exists() and not path.exists()


def test_an_organisation_editor_may_upload_too():
    application, _admin = offer()
    editor = make_ngo_member(application.organisation, role="editor")
    assert add(application, editor).uploaded_by == editor


def test_the_download_name_is_safe_and_carries_the_real_extension():
    application, member = offer()
    attachment = add(application, member, name='..\\..\\evil"\r\nX-Injected: 1.png', content=PDF)
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert "\n" not in attachment.original_name
    response = html_client(member).get(f"/offers/{application.pk}/attachments/{attachment.pk}/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.pdf"') and "\n" not in disposition
    assert "X-Injected" not in response.headers


def test_stored_files_are_not_reachable_under_any_public_url(settings):
    application, member = offer()
    attachment = add(application, member)
    for client in [html_client(), html_client(member)]:
        for prefix in ["/media/", settings.MEDIA_URL, "/static/", "/"]:
            assert client.get(f"{prefix}{attachment.file.name}").status_code == 404, prefix
    assert attachment.file.url.startswith(settings.MEDIA_URL)
    assert html_client(member).get(attachment.file.url).status_code == 404


def test_an_offer_cannot_be_submitted_without_the_attachments_the_call_requires(private_media):
    from applications import services
    from applications.completeness import offer_blockers
    from applications.models import Application
    from tests.applications.helpers import complete_content, open_call

    call = open_call(required_attachments="Statut\nOświadczenie o partnerstwie\n")
    application, member = offer(call=call)
    Application.objects.filter(pk=application.pk).update(content=complete_content(call))
    application.refresh_from_db()
    assert [(b.section, b.text) for b in offer_blockers(application)] == [
        ("attachments", "Dołącz plik wymagany w ogłoszeniu: „Statut”."),
        ("attachments", "Dołącz plik wymagany w ogłoszeniu: „Oświadczenie o partnerstwie”."),
    ]
    client = html_client(member)
    page = client.get(f"/offers/{application.pk}/edit/").content.decode()
    assert f'href="/offers/{application.pk}/attachments/"' in page.split('<ul class="blockers"')[1]

    page = client.get(f"/offers/{application.pk}/attachments/").content.decode()
    assert 'name="requirement"' in page and "Oświadczenie o partnerstwie" in page
    response = client.post(
        f"/offers/{application.pk}/attachments/",
        {"kind": AttachmentKind.STATUTE, "requirement": "Statut", "file": upload("statut.pdf", PDF)},
    )
    assert response.status_code == 302
    response = client.post(
        f"/offers/{application.pk}/attachments/",
        {"kind": AttachmentKind.OTHER, "requirement": "Coś innego", "file": upload("x.pdf", PDF)},
    )
    assert response.status_code == 400  # not one of the call's list; what was chosen is kept
    assert Attachment.objects.filter(application=application).count() == 1
    assert [b.text for b in offer_blockers(application)] == [
        "Dołącz plik wymagany w ogłoszeniu: „Oświadczenie o partnerstwie”."
    ]
    with pytest.raises(DomainError):
        services.application_submit(application=application, actor=member)

    attachment_add(
        application=application,
        actor=member,
        kind=AttachmentKind.OTHER,
        upload=upload("partnerstwo.pdf", PDF),
        requirement="Oświadczenie o partnerstwie",
    )
    assert offer_blockers(application) == []
    assert services.application_submit(application=application, actor=member).status == "submitted"
