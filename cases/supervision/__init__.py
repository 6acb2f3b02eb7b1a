"""Tillsyn (DESIGN §3.6): supervisory cases from IVO, JO and JK, a sub-package of cases/ shaped
like the case-type apps. Its tables stay in the cases app."""
