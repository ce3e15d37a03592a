"""A download link drawn as a (soft) button, for files the API serves (CSV exports).

Why not ``rx.link`` or ``rx.el.a`` around an ``rx.button``: Reflex 0.10 renders an anchor
with a same-site href as react-router's ``Link``, whose click is a client-side navigation:
the SPA never asks the server, so an /api/... download shows the app's 404 page instead.
``reloadDocument`` hands the click back to the browser, and the anchor itself carries
Radix's button classes (a button inside a link is two tab stops and not valid HTML).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

BUTTON_CLASSES = "rt-reset rt-BaseButton rt-r-size-3 rt-variant-soft rt-Button"


def download_button(label: str, href: Any, *, id_: str) -> rx.Component:
    return rx.el.a(
        rx.icon("download", size=16),
        label,
        href=href,
        download=True,
        id=id_,
        class_name=BUTTON_CLASSES,
        custom_attrs={"reloadDocument": True, "data-accent-color": ""},
    )
