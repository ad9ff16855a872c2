"""API tokens expire: tokens issued before this migration get created_at + 90 days (the default); the
column becomes required in 0007 (a separate transaction: PostgreSQL refuses ALTER TABLE with pending
trigger events from the rows just updated)."""

import datetime as dt

from django.db import migrations, models


def _expire_old_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    token = apps.get_model("web", "ApiToken")
    for row in token.objects.all():
        row.expires_at = row.created_at + dt.timedelta(days=90)
        row.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("web", "0005_credential_notice")]

    operations = [
        migrations.AddField(model_name="apitoken", name="expires_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(_expire_old_tokens, migrations.RunPython.noop),
    ]
