"""Storage: the database file (SQL by name, read-only snapshots, schema, atomic publishing) and stored photos."""
