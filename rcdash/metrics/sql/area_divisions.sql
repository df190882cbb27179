-- The city, the counties and the townships, each with the villages and communities under it: the areas the
-- metrics report on. Stored as the table area_divisions (rebuilt by rcdash.db.refresh_derived whenever the
-- divisions change), so that a metrics query reads 21,000 rows instead of counting 455,000 divisions.
WITH villages AS (
    SELECT county_code, township_code FROM divisions WHERE level = 'village'
),
counts AS (
    SELECT township_code AS area, count(*) AS n FROM villages WHERE township_code IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT county_code, count(*) FROM villages WHERE county_code IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT c.code, (SELECT count(*) FROM villages) FROM divisions c WHERE c.level = 'city'
)
SELECT d.code, d.name, d.level, d.parent_code, coalesce(c.n, 0)::BIGINT AS villages_total
FROM divisions d LEFT JOIN counts c ON c.area = d.code
WHERE d.level IN ('city', 'county', 'township')
ORDER BY d.code
