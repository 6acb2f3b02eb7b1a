"""Klagomål och synpunkter (DESIGN §3.1): a case type shaped like deviations and lexsarah, kept
as a sub-package of cases/ as the design card places it. Its tables stay in the cases app."""
