from django.contrib import admin

from .models import Application, Attachment


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "call", "status", "requested_amount", "awarded_amount"]
    list_filter = ["status"]
    readonly_fields = ["status"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "application", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    readonly_fields = [f.name for f in Attachment._meta.fields]
