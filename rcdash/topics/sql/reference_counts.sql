-- Divisions per level in this database (reference plus any synthetic ones).
SELECT level, count(*) AS n, count(*) FILTER (WHERE synthetic) AS synthetic
FROM divisions GROUP BY level;
