from django.db import migrations

from organisations.enums import SPHERES


def seed(apps, schema_editor):
    Sphere = apps.get_model("organisations", "Sphere")
    for position, (code, name_pl, name_en) in enumerate(SPHERES, start=1):
        Sphere.objects.update_or_create(code=code, defaults={"name_pl": name_pl, "name_en": name_en, "position": position})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
