"""Reference data every installation has: the legal parameters in force today and the role groups.

Written by a data migration and again after every ``flush`` (``post_migrate``), so a database
emptied by tests or an operator gets it back. Idempotent.
"""

import datetime

from .enums import LEGAL_PARAMETER_SEED
from .roles import APPROVER, OFFICIAL

SOURCE = "Ustawa o działalności pożytku publicznego i o wolontariacie, Dz.U. 2024 poz. 1491"
# The values of LAW.md, in force before any call this system will hold.
EFFECTIVE_FROM = datetime.date(2019, 3, 1)


def seed_reference_data(apps):
    LegalParameter = apps.get_model("core", "LegalParameter")
    Group = apps.get_model("auth", "Group")
    if Group.objects.filter(name__in=[OFFICIAL, APPROVER]).count() == 2 and LegalParameter.objects.filter(
        effective_from=EFFECTIVE_FROM
    ).count() >= len(LEGAL_PARAMETER_SEED):
        return
    for key, value in LEGAL_PARAMETER_SEED.items():
        LegalParameter.objects.get_or_create(
            key=key.value, effective_from=EFFECTIVE_FROM, defaults={"value": value, "source": SOURCE}
        )
    for name in [OFFICIAL, APPROVER]:
        Group.objects.get_or_create(name=name)


def on_post_migrate(sender, apps=None, **kwargs):
    # ``flush`` emits post_migrate without the migration state: use the live app registry then.
    if apps is None:
        from django.apps import apps
    seed_reference_data(apps)
