from django.contrib import admin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "call", "status", "requested_amount", "awarded_amount"]
    list_filter = ["status"]
    readonly_fields = ["status"]
