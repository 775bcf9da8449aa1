"""Metrics per person, tiers per role, the segmentation that joins them, and reviewed overrides."""
