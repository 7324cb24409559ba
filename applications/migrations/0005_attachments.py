# Offer attachments (written by hand: 0006 was being written at the same time).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import applications.models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_formal_check"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("statute", "statute"),
                            ("register_extract", "register extract"),
                            ("signed_confirmation", "signed confirmation of submission"),
                            ("other", "other"),
                        ],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("original_name", models.CharField(max_length=255, verbose_name="original file name")),
                (
                    "file",
                    models.FileField(
                        max_length=255, upload_to=applications.models.attachment_upload_to, verbose_name="file"
                    ),
                ),
                ("sha256", models.CharField(editable=False, max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveBigIntegerField(editable=False, verbose_name="size (bytes)")),
                ("content_type", models.CharField(editable=False, max_length=64, verbose_name="content type")),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="uploaded"
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="applications.application",
                        verbose_name="offer",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["application", "uploaded_at", "pk"],
            },
        ),
    ]
