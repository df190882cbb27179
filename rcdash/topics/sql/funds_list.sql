-- Funds established on or before $as_of under $area, with their village, township and county.
SELECT f.name, c.name AS county, t.name AS township, d.short_name AS village, f.established_on,
       f.raised_yuan, f.disbursed_yuan, f.last_disclosed_on
FROM funds f
JOIN divisions d ON d.code = f.division
LEFT JOIN divisions t ON t.code = d.township_code
LEFT JOIN divisions c ON c.code = d.county_code
WHERE f.established_on <= $as_of
  AND ($area = (SELECT code FROM divisions WHERE level = 'city') OR d.county_code = $area)
ORDER BY c.code, t.code, f.name;
