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
    synthetic     BOOLEAN NOT NULL DEFAULT false
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
    updated    INTEGER NOT NULL DEFAULT 0   -- rows that replaced an existing one
);
