"""The inbox search's own index: open cases only (issue 16, the capped total at 1.5 million
cases went from 107 to 15 ms)."""

import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_open_scope_received"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["search"],
                name="case_open_search_gin",
            ),
        ),
    ]
