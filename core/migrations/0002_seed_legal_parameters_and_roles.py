from django.db import migrations

from core.seed import seed_reference_data


def seed(apps, schema_editor):
    seed_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
