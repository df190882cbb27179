-- The activities dated $start … $end (one calendar month, cut at the as-of date), in one county or the whole city,
-- with the names of the county, township and division they belong to.
SELECT a.date, d.county_code, c.name AS county_name,
       coalesce(d.township_code, d.county_code) AS row_code, t.name AS township_name, d.name AS division_name,
       a.title, a.category, a.is_monthly_theme, a.theme, a.participants
FROM activities a
JOIN divisions d ON d.code = a.division
LEFT JOIN divisions c ON c.code = d.county_code
LEFT JOIN divisions t ON t.code = d.township_code
WHERE a.date >= $start::DATE AND a.date <= $end::DATE
  AND ($county::VARCHAR IS NULL OR d.county_code = $county::VARCHAR)
ORDER BY a.date, d.code, a.title
