from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the offer editor saves while an offer is drafted or corrected: nothing a public page shows.
DRAFT_FIELDS = frozenset({"content", "title", "requested_amount", "updated_at"})


def bump_unless_draft_edit(sender, instance, update_fields=None, **kwargs):
    """An offer's save refreshes the public pages unless it only stored draft text (autosave)."""
    from core.public_cache import bump_version

    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    bump_version()


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Programme and calls")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from applications.models import Application
        from core.public_cache import bump_version
        from organisations.models import Organisation, Sphere

        from .models import AnnualProgramme, Call, Criterion, PublicTask

        # Whatever the public pages show: a change to any of these refreshes them.
        for model in [AnnualProgramme, PublicTask, Call, Criterion, Application, Sphere, Organisation]:
            post_delete.connect(bump_version, sender=model, dispatch_uid=f"public-pages-delete-{model.__name__}")
        for model in [AnnualProgramme, PublicTask, Call, Criterion, Sphere, Organisation]:
            post_save.connect(bump_version, sender=model, dispatch_uid=f"public-pages-save-{model.__name__}")
        post_save.connect(bump_unless_draft_edit, sender=Application, dispatch_uid="public-pages-save-Application")
        m2m_changed.connect(bump_version, sender=Organisation.spheres.through, dispatch_uid="public-pages-spheres")
