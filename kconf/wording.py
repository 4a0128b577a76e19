"""Small helpers for the English of messages (one place, so every message
counts the same way)."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 node``, ``2 nodes``, ``0 nodes``; ``plural`` where adding an s is wrong."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {plural or noun + 's'}"
