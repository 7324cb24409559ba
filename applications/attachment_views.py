"""Pages for an offer's attachments: the list with an upload form (members), downloads (members,
officials, the approver), removal. Everyone else gets 404, so nobody learns that an offer exists."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import forbidden, form_page

from .attachments import attachment_add, attachment_delete, download_filename
from .enums import AttachmentKind
from .models import Application, Attachment
from .rules import NOT_MEMBER, can_delete_attachment, can_view_application, is_member

TEMPLATE = "applications/attachments.html"


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of attachment"), choices=AttachmentKind.choices)
    requirement = forms.ChoiceField(
        label=gettext_lazy("Which of the call's required attachments is it?"), required=False, choices=()
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, required=(), **kwargs):
        super().__init__(*args, **kwargs)
        if required:
            self.fields["requirement"].choices = [("", gettext_lazy("none of them")), *((r, r) for r in required)]
        else:
            del self.fields["requirement"]


def visible_application(request, application_pk):
    """The offer, if the person may see it (:func:`can_view_application`); otherwise 404, anonymous too."""
    application = get_object_or_404(Application.objects.select_related("organisation", "call"), pk=application_pk)
    if not can_view_application(request.user, application):
        raise Http404
    return application


def visible_attachment(request, application_pk, pk):
    application = visible_application(request, application_pk)
    return get_object_or_404(Attachment.objects.select_related("application"), pk=pk, application=application)


def attachment_response(attachment):
    """The stored file as a download under a safe name, with its SHA-256 digest in ``X-Content-SHA256``."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_filename(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-SHA256"] = attachment.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def attachment_list(request, application_pk):
    """The offer's attachments; its organisation's members also upload here (a refusal answers 400)."""
    application = visible_application(request, application_pk)
    attachments = list(application.attachments.select_related("uploaded_by"))
    can_upload = is_member(request.user, application.organisation_id)
    for attachment in attachments:
        attachment.application = application
        attachment.can_delete = can_upload and bool(can_delete_attachment(request.user, attachment))
    required = application.call.required_attachment_list()
    attached = {a.requirement for a in attachments if a.requirement}
    context = {
        "application": application,
        "required": [{"name": name, "attached": name in attached} for name in required],
        "attachments": attachments,
        "can_upload": can_upload,
        "max_size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }
    if not can_upload:
        if request.method == "POST":
            return forbidden(request, NOT_MEMBER)
        return render(request, TEMPLATE, context)
    posted = request.method == "POST"
    return form_page(
        request,
        form=AttachmentForm(request.POST if posted else None, request.FILES if posted else None, required=required),
        save=lambda data: attachment_add(
            application=application,
            actor=request.user,
            kind=data["kind"],
            upload=data["file"],
            requirement=data.get("requirement", ""),
        ),
        template=TEMPLATE,
        context=context,
        success_message=_("The attachment has been added."),
        redirect_to=lambda saved: ("offer_attachments", application.pk),
    )


@require_GET
def attachment_download(request, application_pk, pk):
    return attachment_response(visible_attachment(request, application_pk, pk))


@require_POST
def attachment_remove(request, application_pk, pk):
    """Remove an attachment (a refusal is rendered by core.middleware with its reason)."""
    attachment = visible_attachment(request, application_pk, pk)
    attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("The attachment has been removed."))
    return redirect("offer_attachments", application_pk)
