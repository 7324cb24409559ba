"""The committee's record in the admin: read-only (it changes only through the services, with history)."""

from django.contrib import admin

from .models import CommitteeMember, Decision, Evaluation, Exclusion, ImpartialityDeclaration, ReasonRequest, ScoreCard


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["call", "status", "scoring_opened_at", "scoring_closed_at", "published_at"]
    list_filter = ["status"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ["user", "evaluation", "role", "is_chair", "nominated_by", "appointed_at"]
    list_filter = ["role", "is_chair"]


@admin.register(ImpartialityDeclaration)
class ImpartialityDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["member", "signed_at", "text_sha256"]


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    list_display = ["member", "application", "automatic", "recorded_at"]
    list_filter = ["automatic"]


@admin.register(ScoreCard)
class ScoreCardAdmin(ReadOnlyAdmin):
    list_display = ["member", "application", "status", "updated_at", "submitted_at"]
    list_filter = ["status"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "awarded", "amount", "prepared_at", "published_at"]


@admin.register(ReasonRequest)
class ReasonRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "requester_name", "submitted_at", "answered_at"]
