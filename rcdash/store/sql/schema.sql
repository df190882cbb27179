-- Fixed tables. The record tables of the import kinds are created from their specs (rcdash/importing/kinds.py).
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Statistical divisions: the shipped reference (NBS 2023 codes) plus, for scale tests, synthetic ones.
CREATE TABLE IF NOT EXISTS divisions (
    code          VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    short_name    VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,   -- city / county / township / village
    parent_code   VARCHAR,
    kind          VARCHAR,            -- 村/社区, 街道/镇/乡, 区/县/市
    county_code   VARCHAR,            -- the county at or above this division (NULL for the city)
    township_code VARCHAR,            -- the township at or above (NULL above townships)
    synthetic     BOOLEAN NOT NULL DEFAULT false,
    -- A code carries its ancestors: the metrics place records by code prefix (rcdash/metrics/sql/area_metrics.sql).
    -- rcdash.db.refresh_derived checks the same of databases created before these checks.
    CHECK (length(code) = CASE level WHEN 'city' THEN 4 WHEN 'county' THEN 6 WHEN 'township' THEN 9 ELSE 12 END),
    CHECK (county_code IS NOT DISTINCT FROM CASE WHEN level <> 'city' THEN left(code, 6) END),
    CHECK (township_code IS NOT DISTINCT FROM CASE WHEN level IN ('township', 'village') THEN left(code, 9) END),
    CHECK (level <> 'village' OR parent_code = left(code, 9))
);

CREATE SEQUENCE IF NOT EXISTS import_id_seq START 1;

-- Every import attempt that got as far as validation (dry runs are not logged).
CREATE TABLE IF NOT EXISTS imports (
    import_id  INTEGER PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    rows       INTEGER NOT NULL,
    accepted   INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    status     VARCHAR NOT NULL,      -- loaded / rejected / undone
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    undone_at  TIMESTAMP,
    undone_by  VARCHAR,
    inserted   INTEGER NOT NULL DEFAULT 0,  -- rows with a new natural key
    updated    INTEGER NOT NULL DEFAULT 0,  -- rows that replaced an existing one with other values
    unchanged  INTEGER NOT NULL DEFAULT 0   -- rows equal to the stored one of their key (left as they were)
);
-- Databases written before the column existed.
ALTER TABLE imports ADD COLUMN IF NOT EXISTS unchanged INTEGER DEFAULT 0;
-- Where the data came from (DESIGN §9): when it was received (a county submission: when it was submitted; a central
-- import: when it was imported), and for an approved submission its id, submitter and approver.
ALTER TABLE imports ADD COLUMN IF NOT EXISTS received_at TIMESTAMP;
ALTER TABLE imports ADD COLUMN IF NOT EXISTS submission_id INTEGER;
ALTER TABLE imports ADD COLUMN IF NOT EXISTS submitted_by VARCHAR;
ALTER TABLE imports ADD COLUMN IF NOT EXISTS approved_by VARCHAR;

-- Plans imported with `rcdash plans import` (DESIGN §8): the TOML text as written, so a plan travels with the data.
CREATE TABLE IF NOT EXISTS plans (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    start       DATE NOT NULL,
    "end"       DATE NOT NULL,
    toml        VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

-- What each loaded import reports (DESIGN §9), written in the import's own transaction and removed by its undo:
-- the counties its rows lie in and, for kinds whose rows carry a report date (records.spec Kind.report_date), the
-- months they are dated in. `month` is NULL for the other kinds (branches, teams, sites…): such a register reports
-- the cycles that ended before it was received and had no earlier register (rcdash.reporting.status).
CREATE TABLE IF NOT EXISTS import_coverage (
    import_id INTEGER NOT NULL,
    kind      VARCHAR NOT NULL,
    county    VARCHAR NOT NULL,   -- 6-digit county code
    month     DATE                -- first day of a month the rows are dated in; NULL: rows carry no report date
);

CREATE SEQUENCE IF NOT EXISTS submission_id_seq START 1;

-- County submissions (DESIGN §9): a county user's file, validated and waiting for a city admin. It counts in no
-- figure until approved (then it is an import, imports.submission_id names it). The file itself is kept under the
-- submissions folder (rcdash.config.submissions_dir) by its sha256; the counts are its dry run at submission.
CREATE TABLE IF NOT EXISTS submissions (
    submission_id INTEGER PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    county_code   VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    stored_name   VARCHAR NOT NULL,      -- the file's name inside the submissions folder
    rows          INTEGER NOT NULL,
    inserted      INTEGER NOT NULL,      -- rows with a new natural key, at submission
    updated       INTEGER NOT NULL,      -- rows that would replace a stored row with other values
    unchanged     INTEGER NOT NULL,      -- rows equal to the stored one
    diff_sha256   VARCHAR NOT NULL,      -- the stored rows the file's keys matched at submission (changed since?)
    status        VARCHAR NOT NULL,      -- pending / approved / returned
    submitted_by  VARCHAR NOT NULL,
    submitted_at  TIMESTAMP NOT NULL,
    decided_by    VARCHAR,
    decided_at    TIMESTAMP,
    reason        VARCHAR,               -- why it was returned (shown to the county)
    import_id     INTEGER                -- the import an approval made
);

-- Data-quality flags an administrator has checked and confirmed (DESIGN §10): keyed on the check and the flagged
-- row's natural key (kind + key fields), not on row or import ids, so the mark survives a re-import of the row.
CREATE TABLE IF NOT EXISTS quality_verified (
    check_id    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    row_key     VARCHAR NOT NULL,
    note        VARCHAR NOT NULL,
    verified_by VARCHAR NOT NULL,
    verified_at TIMESTAMP NOT NULL,
    PRIMARY KEY (check_id, kind, row_key)
);
