-- Each county's (or $county's alone) latest party-building status dated on or before $as_of.
SELECT c.code AS county, c.name AS county_name, p.date,
       p.party_group_established, p.secretary_appointed
FROM divisions c
LEFT JOIN (
    SELECT county, arg_max(date, date) AS date,
           arg_max(party_group_established, date) AS party_group_established,
           arg_max(secretary_appointed, date) AS secretary_appointed
    FROM party WHERE date <= $as_of GROUP BY county
) p ON p.county = c.code
WHERE c.level = 'county' AND ($county IS NULL OR c.code = $county)
ORDER BY c.code;
