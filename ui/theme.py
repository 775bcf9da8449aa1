"""Colours shared by every chart, so a role or tier looks the same on each page."""

from __future__ import annotations

# SDR, AE, AM — in the order of core.schema.ROLES; readable for common colour-vision deficiencies.
ROLE_COLOURS: list[str] = ["#8cc5e3", "#1f6f8b", "#e0a23b"]

# low, core, top — low is a warm warning colour, top the product's teal.
TIER_COLOURS: list[str] = ["#c8553d", "#9db4c0", "#1f6f8b"]
