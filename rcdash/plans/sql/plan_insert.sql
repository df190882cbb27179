-- Store a checked plan (the caller has refused a different plan of the same id).
INSERT OR REPLACE INTO plans (id, name, start, "end", toml, imported_at) VALUES (?, ?, ?, ?, ?, ?);
