"""Fewer indexes to write per imported case (issue 16: 100 000 rows by COPY).

- cases_case: the single-column indexes on unit and reporter go (case_unit_received and
  case_reporter_received start with them and serve the same lookups and the PROTECT /
  SET_NULL checks); case_open_due goes (the inbox's partial indexes serve its open-case
  orders); the reference's varchar_pattern_ops index goes (no query asks LIKE 'prefix%':
  equality has the unique index, a part of a reference the trigram index). The reference stays
  unique under the same constraint: only Django's state moves it from the field to Meta.
- The history tables keep the indexes they are read by (history_id, id / case_id, date, user)
  and lose those on their copies of foreign keys, codes and the reference.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REFERENCE_LIKE = "cases_case_reference_cb43aa34_like"
FK_INDEXES = (
    ("cases_case_reporter_id_7d7d0c2b", "reporter_id"),
    ("cases_case_unit_id_f34fc706", "unit_id"),
)


def _history_fk(to: str, **kwargs) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_start_page_person_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_open_due"),
        # The UNIQUE constraint cases_case_reference_key stays as it is (no rebuild); only
        # the pattern index Django makes for a unique varchar field is dropped.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="reference",
                    field=models.CharField(max_length=20, verbose_name="diarienummer"),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.UniqueConstraint(
                        fields=("reference",), name="cases_case_reference_key"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {REFERENCE_LIKE}",
                    f"CREATE INDEX {REFERENCE_LIKE} ON cases_case (reference varchar_pattern_ops)",
                ),
            ],
        ),
        # Django's AlterField would drop and re-add each foreign key (a check of every case);
        # only the index changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="reporter",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reported_cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="rapportör",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.unit",
                        verbose_name="enhet",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX {name} ON cases_case ({column})",
                )
                for name, column in FK_INDEXES
            ],
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="assignee",
            field=_history_fk(settings.AUTH_USER_MODEL, verbose_name="handläggare"),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="event_category",
            field=_history_fk(
                "cases.code",
                limit_choices_to={"codelist": "event_category"},
                verbose_name="händelsekategori",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="reference",
            field=models.CharField(max_length=20, verbose_name="diarienummer"),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="reporter",
            field=_history_fk(settings.AUTH_USER_MODEL, verbose_name="rapportör"),
        ),
        migrations.AlterField(
            model_name="historicalcase",
            name="unit",
            field=_history_fk("cases.unit", verbose_name="enhet"),
        ),
        migrations.AlterField(
            model_name="historicalcomplaint",
            name="channel",
            field=_history_fk(
                "cases.code", limit_choices_to={"codelist": "channel"}, verbose_name="kanal"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcomplaint",
            name="complaint_type",
            field=_history_fk(
                "cases.code", limit_choices_to={"codelist": "complaint_type"}, verbose_name="typ"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcomplaint",
            name="receipt_selector",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AlterField(
            model_name="historicalcomplaint",
            name="sender_category",
            field=_history_fk(
                "cases.code",
                limit_choices_to={"codelist": "sender_category"},
                verbose_name="avsändare",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmeasure",
            name="created_by",
            field=_history_fk(settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="historicalmeasure",
            name="measure_type",
            field=_history_fk(
                "cases.code",
                limit_choices_to={"codelist": "measure_type"},
                verbose_name="typ av åtgärd",
            ),
        ),
        migrations.AlterField(
            model_name="historicalmeasure",
            name="responsible",
            field=_history_fk(settings.AUTH_USER_MODEL, verbose_name="ansvarig"),
        ),
    ]
