-- Grassroots organisations (every level) open on $as_of, counted per township; organisations registered
-- at a county or the city have no township and are counted apart ($county NULL = the whole city).
SELECT d.township_code, count(*) AS branches
FROM branches b
JOIN divisions d ON d.code = b.division
WHERE b.established_on <= $as_of
  AND (b.closed_on IS NULL OR b.closed_on > $as_of)
  AND ($county IS NULL OR d.county_code = $county)
GROUP BY d.township_code
ORDER BY d.township_code NULLS LAST
