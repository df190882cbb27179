-- Teams active on $as_of under $area (a division code; the city code means all), with their county.
SELECT t.name, t.type, t.specialty, c.name AS county, d.name AS division_name, t.founded_on, t.registered_volunteers,
       t.has_party_org
FROM teams t
JOIN divisions d ON d.code = t.division
LEFT JOIN divisions c ON c.code = d.county_code
WHERE t.founded_on <= $as_of AND (t.disbanded_on IS NULL OR t.disbanded_on > $as_of)
  AND ($area = (SELECT code FROM divisions WHERE level = 'city') OR d.county_code = $area)
ORDER BY c.code, t.type, t.name;
