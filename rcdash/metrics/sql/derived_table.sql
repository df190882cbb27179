-- Statements on one derived table (rcdash.db.DERIVED), its name filled in from code (rcdash.db.derived_sql).

-- name: create
CREATE OR REPLACE TABLE {table} AS {query};

-- name: drop
DROP TABLE {table};
