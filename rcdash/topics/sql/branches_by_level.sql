-- Branches open on each date in $dates, per county and level (established on or before, not closed by then).
SELECT a.d AS as_of, c.code AS county, c.name AS county_name, b.level, count(*) AS branches
FROM (SELECT unnest($dates::DATE[]) AS d) a
JOIN branches b ON b.established_on <= a.d AND (b.closed_on IS NULL OR b.closed_on > a.d)
JOIN divisions d ON d.code = b.division
JOIN divisions c ON c.code = d.county_code
GROUP BY ALL
ORDER BY as_of, county, level;
