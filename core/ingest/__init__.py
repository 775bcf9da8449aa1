"""From a file on disk to validated monthly rows: reading, cell values, column mapping, validation, import."""
