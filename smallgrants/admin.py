from django.contrib import admin

from .models import SmallGrant, SmallGrantComment


@admin.register(SmallGrant)
class SmallGrantAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "requested_amount", "submitted_at", "publish_by"]
    list_filter = ["status"]
    readonly_fields = ["status"]


@admin.register(SmallGrantComment)
class SmallGrantCommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "small_grant", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in SmallGrantComment._meta.fields]
