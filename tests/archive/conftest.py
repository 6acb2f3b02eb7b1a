from tests.lexsarah.conftest import make_report  # noqa: F401  (closed lex Sarah cases)
