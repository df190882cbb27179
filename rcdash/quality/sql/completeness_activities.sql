-- Activities per county and month, every county of the chosen one ($county = '' for all) listed even without any.
SELECT d.code, d.name, a.month, count(a.month) AS n
FROM divisions d
LEFT JOIN (
    SELECT left(division, 6) AS county, date_trunc('month', date) AS month FROM activities
    WHERE date BETWEEN $start AND $as_of
) a ON a.county = d.code
WHERE d.level = 'county' AND ($county = '' OR d.code = $county)
GROUP BY ALL
ORDER BY d.code
