"""The third seeded template (Göteborg: quality year 1 Sep–31 Aug, a section per
verksamhetsområde) and the Malmö template's named appendices: seed_templates is idempotent."""

from django.db import migrations

from reports.editions.template_data import seed_templates


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_edition_cover_board_administration_logo")]

    operations = [migrations.RunPython(seed_templates, migrations.RunPython.noop)]
