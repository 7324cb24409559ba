import datetime

from django.db import migrations

from core.enums import LEGAL_PARAMETER_SEED

SOURCE = "Ustawa o działalności pożytku publicznego i o wolontariacie, Dz.U. 2024 poz. 1491"
# The values of LAW.md, in force before any call this system will hold.
EFFECTIVE_FROM = datetime.date(2019, 3, 1)


def seed(apps, schema_editor):
    LegalParameter = apps.get_model("core", "LegalParameter")
    for key, value in LEGAL_PARAMETER_SEED.items():
        LegalParameter.objects.get_or_create(
            key=key.value, effective_from=EFFECTIVE_FROM, defaults={"value": value, "source": SOURCE}
        )
    Group = apps.get_model("auth", "Group")
    for name in ["official", "approver"]:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
