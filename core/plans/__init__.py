"""Coaching plans and HR briefs: the typed model, their content, rendering to files, stored edits, HR review."""
