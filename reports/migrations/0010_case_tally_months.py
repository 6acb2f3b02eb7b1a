"""The case tally read by month range from one covering index (reports.models.CaseTally):
with its unit index PostgreSQL read every month of every unit of a förvaltning and filtered."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_start_page_person_indexes"),
        ("reports", "0009_code_tally"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casetally",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="cases.unit",
            ),
        ),
        migrations.AddIndex(
            model_name="casetally",
            index=models.Index(
                fields=["rule", "month"],
                include=("kind", "variant", "unit", "skyddad", "n"),
                name="case_tally_months",
            ),
        ),
    ]
