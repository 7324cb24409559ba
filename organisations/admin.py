from django.contrib import admin
from django.db import models

from .models import Membership, Organisation, Sphere


@admin.register(Sphere)
class SphereAdmin(admin.ModelAdmin):
    list_display = ["code", "name_pl", "position"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "register_type", "krs", "nip", "city", "verified_at"]
    list_filter = ["register_type", "legal_form"]
    search_fields = ["name", "name_ascii", "krs", "nip", "regon", "register_number"]
    filter_horizontal = ["spheres"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
