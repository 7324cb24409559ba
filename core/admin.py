from django.contrib import admin

from .models import LegalParameter, StatusChange, StoredDocument


@admin.register(LegalParameter)
class LegalParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "effective_from", "source"]
    list_filter = ["key"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "content_type", "object_id", "transition", "from_state", "to_state", "actor"]
    list_filter = ["content_type", "transition"]
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "sha256", "size", "created_at"]
