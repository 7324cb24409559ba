from django.contrib import admin

from .models import MediaOutlet, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]


@admin.register(MediaOutlet)
class MediaOutletAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "wants_calls", "wants_results", "active", "consent_at"]
