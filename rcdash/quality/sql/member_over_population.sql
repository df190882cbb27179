-- member_over_population: a snapshot's adult members exceed $max_share of the same division's resident population
-- (the population of the latest year up to the snapshot's year; divisions without one are not checked).
WITH m AS (
    SELECT division, date, adult_members, import_id, year(date) AS year FROM {members} WHERE date <= $as_of
)
SELECT 'members' AS kind, m.division, m.date, m.adult_members::DOUBLE AS value,
       NULL::DOUBLE AS expected_min, p.resident_population * $max_share AS expected_max, m.import_id,
       m.division || '|' || strftime(m.date, '%Y-%m-%d') AS row_key,
       p.resident_population AS population, p.year AS population_year
FROM m ASOF JOIN {population} p ON p.division = m.division AND m.year >= p.year
WHERE m.adult_members > p.resident_population * $max_share
ORDER BY m.division, m.date
