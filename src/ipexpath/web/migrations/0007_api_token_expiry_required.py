"""Every API token has an expiry (filled in 0006)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("web", "0006_api_token_expiry")]

    operations = [
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField()),
    ]
