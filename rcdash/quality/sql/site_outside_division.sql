-- site_outside_division, the candidates: every site opened by $as_of with its point and its division's county;
-- the point-in-polygon test against the county polygons (rcdash.geo) runs on these rows.
SELECT 'sites' AS kind, s.division, s.opened_on AS date, NULL::DOUBLE AS value,
       NULL::DOUBLE AS expected_min, NULL::DOUBLE AS expected_max, s.import_id,
       s.name || '|' || s.division AS row_key,
       s.name AS site_name, s.lon, s.lat, d.county_code,
       'sites_' || s.tier AS feeds  -- the one figure this site counts in: the sites of its tier
FROM {sites} s JOIN divisions d ON d.code = s.division
WHERE s.opened_on <= $as_of
ORDER BY s.division, s.name
