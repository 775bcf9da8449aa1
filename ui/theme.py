"""Colours shared by every chart, so a role or tier looks the same on each page."""

from __future__ import annotations

# SDR, AE, AM — in the order of core.schema.ROLES; readable for common colour-vision deficiencies.
ROLE_COLOURS: list[str] = ["#8cc5e3", "#1f6f8b", "#e0a23b"]
