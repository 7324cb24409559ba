from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from organisations.seed import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="organisations-reference-data")
