"""The history's copy of the consequence code is never looked up: no index to write per
history row (issue 16, imports; see cases migration 0019)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_import_fewer_indexes"),
        ("deviations", "0003_deviation_reclassified_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaldeviation",
            name="consequence",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                limit_choices_to={"codelist": "consequence"},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="cases.code",
                verbose_name="konsekvens för den enskilde",
            ),
        ),
    ]
