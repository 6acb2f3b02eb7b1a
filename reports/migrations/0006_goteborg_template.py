"""The third seeded template (Göteborg: quality year 1 Sep–31 Aug, a section per
verksamhetsområde) and the Malmö template's named appendices; also "Mönster i lex Sarah" selecting the reports the
AU handled with a finding in the period (the rule its narrative states, seed 000 §4.2).
seed_templates is idempotent; editions already created keep their blocks."""

from django.db import migrations

from reports.editions.template_data import seed_templates


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_edition_cover_board_administration_logo")]

    operations = [migrations.RunPython(seed_templates, migrations.RunPython.noop)]
