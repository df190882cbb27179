-- Statements on one kind's record table, filled in per kind from its spec ({table}, {prior}, {cols},
-- {key_match}); identifiers come from code, values are bound parameters.

-- name: save_replaced
-- Rows the staged file is about to replace with other values, kept so that undo restores them exactly. A stored
-- row the file repeats unchanged is left as it is (and stays its own import's): nothing to keep or restore.
INSERT INTO {prior} SELECT t.*, ? FROM {table} t SEMI JOIN staged_rows s ON {key_match} AND ({changed});

-- name: delete_replaced
DELETE FROM {table} t USING staged_rows s WHERE {key_match} AND ({changed});

-- name: count_unchanged
-- Staged rows still matching a stored row once the changed ones are deleted: the unchanged ones.
SELECT count(*) FROM staged_rows s SEMI JOIN {table} t ON {key_match};

-- name: matched_rows
-- The stored rows whose natural key a staged row has (keys are unique on both sides), each with whether the staged
-- row differs: a submission's preview, and whether a later import changed them before it was approved.
SELECT {cols_t}, t.import_id, ({changed}) AS changed FROM {table} t JOIN staged_rows s ON {key_match};

-- name: insert_staged
INSERT INTO {table} ({cols}, import_id) SELECT {cols}, ? FROM staged_rows s ANTI JOIN {table} t ON {key_match};

-- name: insert_coverage
-- The counties (and, with a report date, the months) the staged rows report for (DESIGN §9); rows placed above
-- the counties (the city, "*") report for none.
INSERT INTO import_coverage (import_id, kind, county, month)
SELECT DISTINCT ?, ?, left(s.{div_col}, 6), {report_month} FROM staged_rows s WHERE length(s.{div_col}) >= 6;

-- name: backfill_coverage
-- A database written before import_coverage existed: what its imports reported, from the rows they still own
-- (stored or replaced since). Rows with no import (the shipped census) report nothing.
INSERT INTO import_coverage (import_id, kind, county, month)
SELECT DISTINCT s.import_id, ?, left(s.{div_col}, 6), {report_month}
FROM (SELECT {cols}, import_id FROM {table} UNION ALL SELECT {cols}, import_id FROM {prior}) s
WHERE s.import_id IS NOT NULL AND length(s.{div_col}) >= 6;

-- name: delete_coverage
DELETE FROM import_coverage WHERE import_id = ?;

-- name: later_imports
-- Loaded imports that replaced rows of this import: they must be undone first.
SELECT DISTINCT p.superseded_by FROM {prior} p JOIN imports i ON i.import_id = p.superseded_by
WHERE p.import_id = ? AND i.status = 'loaded' ORDER BY 1;

-- name: delete_import
DELETE FROM {table} WHERE import_id = ?;

-- name: restore_replaced
INSERT INTO {table} ({cols}, import_id) SELECT {cols}, import_id FROM {prior} WHERE superseded_by = ?;

-- name: forget_replaced
DELETE FROM {prior} WHERE superseded_by = ?;

-- name: create_table
CREATE TABLE IF NOT EXISTS {table} ({col_defs}, import_id INTEGER);

-- name: create_prior
CREATE TABLE IF NOT EXISTS {prior} ({col_defs}, import_id INTEGER, superseded_by INTEGER NOT NULL);

-- name: summary
-- What one kind holds: rows, date span, and the divisions and counties it covers.
SELECT count(*) AS rows,
       min(t.{date_col})::VARCHAR AS first_date,
       max(t.{date_col})::VARCHAR AS last_date,
       count(DISTINCT t.{div_col}) AS divisions,
       count(DISTINCT d.county_code) AS counties
FROM {table} t LEFT JOIN divisions d ON d.code = t.{div_col};

-- name: imported_rows
SELECT count(*) FROM {table} WHERE import_id IS NOT NULL;
