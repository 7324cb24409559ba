from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmallgrantsConfig(AppConfig):
    name = "smallgrants"
    verbose_name = _("Small grants (art. 19a)")
