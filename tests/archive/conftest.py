from tests.lexsarah.conftest import make_report  # noqa: F401  (closed lex Sarah cases)
from tests.reports.edition_data import edition  # noqa: F401  (a kvalitetsberättelse)
