"""Lex Sarah views, split by sub-domain: report (incl. IVO actions), investigation, au."""
