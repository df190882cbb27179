-- participants_outlier: an activity's participants exceed $factor times the median of its county's activities
-- (those with a participant count, up to $as_of) and reach $floor.
WITH a AS (
    SELECT x.date, x.division, x.title, x.participants, x.import_id, d.county_code
    FROM {activities} x JOIN divisions d ON d.code = x.division
    WHERE x.date <= $as_of AND x.participants IS NOT NULL
), med AS (
    SELECT county_code, median(participants) AS median FROM a GROUP BY county_code
)
SELECT 'activities' AS kind, a.division, a.date, a.participants::DOUBLE AS value,
       NULL::DOUBLE AS expected_min, greatest(med.median * $factor, $floor)::DOUBLE AS expected_max, a.import_id,
       strftime(a.date, '%Y-%m-%d') || '|' || a.division || '|' || a.title AS row_key,
       a.title, med.median
FROM a JOIN med USING (county_code)
WHERE a.participants > med.median * $factor AND a.participants >= $floor
ORDER BY a.date, a.division
