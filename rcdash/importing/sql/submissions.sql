-- County submissions (DESIGN §9): the statements of rcdash/importing/submissions.py.

-- name: county_names
SELECT code, name FROM divisions WHERE level = 'county' ORDER BY code;

-- name: insert
INSERT INTO submissions (submission_id, kind, county_code, file_name, sha256, stored_name, rows, inserted, updated,
                         unchanged, diff_sha256, status, submitted_by, submitted_at)
VALUES (nextval('submission_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
RETURNING submission_id;

-- name: one
SELECT submission_id, kind, county_code, file_name, sha256, stored_name, rows, inserted, updated, unchanged,
       diff_sha256, status, submitted_by, submitted_at, decided_by, decided_at, reason, import_id
FROM submissions WHERE submission_id = ?;

-- name: decide
-- Only a pending submission is decided: a second decision (a replayed id, a double click) changes no row.
UPDATE submissions SET status = ?, decided_by = ?, decided_at = ?, reason = ?, import_id = ?
WHERE submission_id = ? AND status = 'pending'
RETURNING submission_id;

-- name: listed
-- Newest first; a NULL filter means every status / every county.
SELECT s.submission_id, s.kind, s.county_code, d.name AS county_name, s.file_name, s.rows, s.inserted, s.updated,
       s.unchanged, s.status, s.submitted_by, s.submitted_at, s.decided_by, s.decided_at, s.reason, s.import_id,
       i.status AS import_status
FROM submissions s
LEFT JOIN divisions d ON d.code = s.county_code
LEFT JOIN imports i ON i.import_id = s.import_id
WHERE ($status IS NULL OR s.status = $status) AND ($county IS NULL OR s.county_code = $county)
ORDER BY s.submission_id DESC;

-- name: imports_since
-- Of the imports some stored rows came from, those made after a submission (they changed what it would do).
SELECT import_id FROM imports WHERE list_contains(?::INTEGER[], import_id) AND created_at >= ? ORDER BY import_id;
