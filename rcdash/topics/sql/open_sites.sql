-- Service sites open on $as_of (opened on or before it, not closed by it), with their township and county.
-- $county NULL = the whole city. Coordinates are WGS-84 (the importer converts them).
SELECT s.name, s.tier, s.division, d.name AS division_name, d.township_code, d.county_code,
       s.lon, s.lat, s.host, s.functions, s.opened_on
FROM sites s
JOIN divisions d ON d.code = s.division
WHERE s.opened_on <= $as_of
  AND (s.closed_on IS NULL OR s.closed_on > $as_of)
  AND ($county IS NULL OR d.county_code = $county)
ORDER BY CASE s.tier WHEN 'center' THEN 0 WHEN 'base' THEN 1 WHEN 'station' THEN 2 ELSE 3 END, s.division, s.name
