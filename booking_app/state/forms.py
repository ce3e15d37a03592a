"""Helpers for form handlers."""

from __future__ import annotations


def first_value(value: str | list[str]) -> str:
    """Radio groups/segmented controls may hand a list; take its first item."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")
