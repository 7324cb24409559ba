from django.db import migrations

from organisations.seed import seed_spheres


def seed(apps, schema_editor):
    seed_spheres(apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
