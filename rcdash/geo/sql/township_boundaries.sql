-- Official township boundaries imported with `python -m rcdash geo import-townships` (WGS-84, WKB).
-- Until this table holds rows the app shows the shipped approximation (geo/townships_approx.geojson).
-- name: create
CREATE TABLE IF NOT EXISTS township_boundaries (
    code          VARCHAR PRIMARY KEY,  -- 9-digit township code (NBS 2023)
    name          VARCHAR NOT NULL,
    county_code   VARCHAR NOT NULL,
    geometry      BLOB NOT NULL,        -- WKB, WGS-84 lon/lat
    parts         INTEGER NOT NULL,     -- features of the file merged into this township
    source_file   VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_crs    VARCHAR NOT NULL,     -- the CRS the file was converted from
    imported_at   TIMESTAMP NOT NULL,
    imported_by   VARCHAR NOT NULL
);
-- name: exists
SELECT count(*) FROM information_schema.tables WHERE table_name = 'township_boundaries';
-- name: delete_all
DELETE FROM township_boundaries;
-- name: insert
INSERT INTO township_boundaries
    (code, name, county_code, geometry, parts, source_file, source_sha256, source_crs, imported_at, imported_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
-- name: select
SELECT code, name, county_code, geometry, source_file, source_sha256, source_crs, imported_at, imported_by
FROM township_boundaries
ORDER BY code;
-- name: townships
SELECT code, name, parent_code AS county_code
FROM divisions
WHERE level = 'township' AND NOT synthetic
ORDER BY code;
