"""Arkivleverans (issue 21): retention classes from the dokumenthanteringsplan and submission
packages (E-ARK CSIP/SIP, FGS Ärendehantering's elements) for the municipal e-archive."""
