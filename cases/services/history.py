"""Saving audited rows: every save carries its user and reason into simple-history."""

from typing import Any, TypeVar

from django.db import models

from cases.types import User

M = TypeVar("M", bound=models.Model)

# The one limit for a reason on every action (forms and services alike); the history column is
# a text field, so the reason is kept whole.
REASON_MAX = 500


def reason_clean(text: str | None) -> str:
    return (text or "").strip()[:REASON_MAX]


def person_name(user: User | None) -> str:
    """A person as people know them: the full name, the username only when no name is set.
    Reasons and the history show this, never str(user), which is the username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def audited_save(obj: M, *, actor: User | None, reason: str, **save_kwargs: Any) -> M:
    # simple-history reads these two attributes when it writes the historical row.
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.save(**save_kwargs)
    return obj


def audited_delete(obj: models.Model, *, actor: User | None, reason: str) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj.delete()
