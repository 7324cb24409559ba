from django.contrib import admin

from .models import MediaOutlet, NoticePreference, OutboxAttachment, OutboxMessage, PressNote


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = readonly_fields = ["filename", "content_type", "document"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    inlines = [OutboxAttachmentInline]
    list_display = ["created_at", "event", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(MediaOutlet)
class MediaOutletAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "wants_calls", "wants_results", "active", "consent_at"]


@admin.register(PressNote)
class PressNoteAdmin(admin.ModelAdmin):
    list_display = ["subject", "call", "status", "approved_by", "approved_at"]
    list_filter = ["status"]
    readonly_fields = ["call", "generated_body", "status", "approved_by", "approved_at", "results_document"]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "enabled"]
    list_filter = ["event", "enabled"]
