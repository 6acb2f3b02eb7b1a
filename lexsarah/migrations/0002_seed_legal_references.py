"""Seed the legal references shown on the report form and the PDFs (DESIGN §3.3)."""

from django.db import migrations

REFERENCES = [
    ("sol-27-1-6", "SoL (2025:400) 27 kap. 1–6 §§",
     "Rapporteringsskyldighet, utredning, åtgärder och anmälan till IVO inom socialtjänsten."),
    ("sol-2001-14", "SoL (2001:453) 14 kap. 3–7 §§",
     "Motsvarande bestämmelser för händelser före den 1 juli 2025."),
    ("lss-24a-g", "LSS 24 a–g §§",
     "Rapporteringsskyldighet och anmälan till IVO för verksamhet enligt LSS."),
    ("sosfs-2011-5", "SOSFS 2011:5",
     "Socialstyrelsens föreskrifter och allmänna råd om lex Sarah."),
]


def seed(apps, schema_editor):
    LegalReference = apps.get_model("lexsarah", "LegalReference")
    for order, (code, label, summary) in enumerate(REFERENCES):
        LegalReference.objects.get_or_create(
            code=code, defaults={"label": label, "summary": summary, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("lexsarah", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
