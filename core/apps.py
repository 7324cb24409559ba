from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core.seed import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="core-reference-data")
