"""Accounts (verified address, username skeleton), invitation states, scoped access tokens.

Tokens created before scopes existed carried every role of their user in every tenant and may
never expire: they cannot be narrowed safely, so they are deleted (their creation stays in the
audit log) and their owners create scoped ones.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_accounts(apps, schema_editor):
    from core.usernames import skeleton

    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    account_model = apps.get_model("core", "Account")
    account_model.objects.bulk_create(
        [
            account_model(user_id=user.pk, username_skeleton=skeleton(user.username))
            for user in user_model.objects.all()
        ],
        ignore_conflicts=True,
    )


def delete_unscoped_tokens(apps, schema_editor):
    apps.get_model("core", "PersonalAccessToken").objects.filter(tenant__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_rollupcursor_usagerollup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="account",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("username_skeleton", models.CharField(db_index=True, max_length=600)),
                ("verified_email", models.EmailField(blank=True, max_length=254)),
                ("email_verified_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_accounts, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="invitation",
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="invitation",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterModelOptions(
            name="personalaccesstoken",
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.AddField(
            model_name="personalaccesstoken",
            name="access",
            field=models.CharField(
                choices=[("read", "Read-only"), ("write", "Read-write")], default="read", max_length=5
            ),
        ),
        migrations.AddField(
            model_name="personalaccesstoken",
            name="roles",
            field=models.JSONField(
                default=list, help_text="The roles the token carries: a subset of the user's."
            ),
        ),
        migrations.AddField(
            model_name="personalaccesstoken",
            name="tenant",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access_tokens",
                to="core.tenant",
            ),
        ),
        migrations.RunPython(delete_unscoped_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personalaccesstoken",
            name="tenant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access_tokens",
                to="core.tenant",
            ),
        ),
        migrations.AlterField(
            model_name="personalaccesstoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
