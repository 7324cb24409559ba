from django.contrib import admin

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "all_spheres", "confirmed_at", "created_at"]
    list_filter = ["all_spheres", "confirmed_at"]
    search_fields = ["email"]
    filter_horizontal = ["spheres"]
