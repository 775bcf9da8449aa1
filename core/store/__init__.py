"""Where the data lives: tables (models), the engine and migrations (db), datasets and app settings.

Nothing here imports the domain packages above it (ingest, scoring, coaching, plans, governance)."""
