from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.public_cache import bump_version
        from organisations.seed import on_post_migrate

        from .models import Organisation

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="organisations-reference-data")
        # The public register is a cached public page: any change to an organisation refreshes it.
        # The dispatch ids are the ones CallsConfig uses for the same model, so each connects once.
        post_save.connect(bump_version, sender=Organisation, dispatch_uid="public-pages-save-Organisation")
        post_delete.connect(bump_version, sender=Organisation, dispatch_uid="public-pages-delete-Organisation")
        m2m_changed.connect(bump_version, sender=Organisation.spheres.through, dispatch_uid="public-pages-spheres")
