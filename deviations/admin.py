"""Deviations are deliberately not in the admin: case content there would bypass the
visibility selector and the access log (see cases/admin.py)."""
