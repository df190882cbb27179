-- The flags an administrator has verified, with the note.
SELECT check_id, kind, row_key, note, verified_by, verified_at FROM quality_verified
