# Written by hand (the attachments migration 0005 was being written at the same time).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_attachments"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="offer_document",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storeddocument",
                verbose_name="offer (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="confirmation_document",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.storeddocument",
                verbose_name="confirmation of submission (PDF)",
            ),
        ),
    ]
