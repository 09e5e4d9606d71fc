from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_versions_console_keys_plans_by_size_provider_throttled'),
    ]

    operations = [
        migrations.AddField(
            model_name='aiapi',
            name='pass_provider_headers',
            field=models.BooleanField(default=False, help_text="Pass the provider account's own headers (its rate limits, organization, project) on to callers; the gateway's own x-ratelimit-* still replace the provider's."),
        ),
    ]
