from django.contrib import admin

from .models import Membership, Organisation, Sphere


@admin.register(Sphere)
class SphereAdmin(admin.ModelAdmin):
    list_display = ["code", "name_pl", "position"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "krs", "nip", "city", "verified_at"]
    search_fields = ["name", "krs", "nip", "regon"]
    filter_horizontal = ["spheres"]
    inlines = [MembershipInline]
