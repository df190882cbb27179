-- Verify a flag (again): the latest note and who wrote it replace an earlier one.
INSERT OR REPLACE INTO quality_verified (check_id, kind, row_key, note, verified_by, verified_at)
VALUES (?, ?, ?, ?, ?, ?)
