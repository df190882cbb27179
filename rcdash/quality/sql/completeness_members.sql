-- Members snapshots per township and month (dated in the month, at the township or a village under it), every
-- township of the chosen county ($county = '' for all) listed even without any.
SELECT d.code, d.name, m.month, count(m.month) AS n
FROM divisions d
LEFT JOIN (
    SELECT left(division, 9) AS township, date_trunc('month', date) AS month FROM members
    WHERE date BETWEEN $start AND $as_of AND length(division) >= 9
) m ON m.township = d.code
WHERE d.level = 'township' AND ($county = '' OR d.county_code = $county)
GROUP BY ALL
ORDER BY d.code
