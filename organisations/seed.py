"""The art. 4 spheres of public benefit, written by a data migration and after every flush."""

from .enums import SPHERES


def seed_spheres(apps):
    Sphere = apps.get_model("organisations", "Sphere")
    if Sphere.objects.count() == len(SPHERES):
        return
    for position, (code, name_pl, name_en) in enumerate(SPHERES, start=1):
        Sphere.objects.update_or_create(
            code=code, defaults={"name_pl": name_pl, "name_en": name_en, "position": position}
        )


def on_post_migrate(sender, apps=None, **kwargs):
    # ``flush`` emits post_migrate without the migration state: use the live app registry then.
    if apps is None:
        from django.apps import apps
    seed_spheres(apps)
