"""Models for this app (see DESIGN.md)."""
