"""Titles made from text someone wrote (a deviation without a title, a PDF heading): cut at a
word boundary with "…", never mid-word ("handläggar…"), issue 18."""

ELLIPSIS = "…"


def cut_at_word(text: str, maximum: int) -> str:
    """The first line of `text`, at most `maximum` characters including the "…". A single word
    longer than the limit is the only thing cut inside a word."""
    first = text.strip().splitlines()[0].strip() if text and text.strip() else ""
    if len(first) <= maximum:
        return first
    room = first[: maximum - len(ELLIPSIS) + 1]  # +1: a space right after the limit is a boundary
    head = room[: room.rfind(" ")] if " " in room else room[: maximum - len(ELLIPSIS)]
    return head.rstrip(" ,;:.-–") + ELLIPSIS
