# Kvalitetsberättelse fixtures (issue #8): the hand-built dataset and a default edition.
from tests.reports.edition_data import dataset, edition  # noqa: E402,F401
