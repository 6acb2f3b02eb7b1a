"""The seeded templates again: "Mönster i lex Sarah" selects the reports the AU handled
with a finding in the analysis period (the rule its narrative states, seed 000 §4.2), no
longer the reports closed then. Editions already created keep their blocks."""

from django.db import migrations

from reports.editions.template_data import seed_templates


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_history_reason_text")]

    operations = [migrations.RunPython(seed_templates, migrations.RunPython.noop)]
