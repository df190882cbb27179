-- Divisions whose code does not carry their ancestors as the metrics assume (rcdash/metrics/sql/area_metrics.sql):
-- a code of 4, 6, 9 or 12 digits by level, the county its first 6 digits, the township its first 9. Databases
-- created since schema.sql checks this on every insert; this query checks the older ones when their divisions
-- change (rcdash.db.refresh_derived).
SELECT code FROM divisions
WHERE length(code) <> CASE level WHEN 'city' THEN 4 WHEN 'county' THEN 6 WHEN 'township' THEN 9 ELSE 12 END
   OR county_code IS DISTINCT FROM CASE WHEN level <> 'city' THEN left(code, 6) END
   OR township_code IS DISTINCT FROM CASE WHEN level IN ('township', 'village') THEN left(code, 9) END
   OR (level = 'village' AND parent_code IS DISTINCT FROM left(code, 9))
LIMIT 3
