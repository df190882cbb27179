-- Activities per grid row and ISO week, for the weeks whose Monday is in $mondays (those of one month, begun by
-- $as_of). A week holds its activities from Monday to Sunday, none after $as_of — as weekly_voice_rate counts them.
-- Rows: the counties; with $county, that county's townships (activities registered at the county itself form
-- the county's own row, code = the county's).
WITH weeks AS (
    SELECT unnest($mondays::DATE[]) AS monday
)
SELECT w.monday,
       CASE WHEN $county::VARCHAR IS NULL THEN d.county_code
            ELSE coalesce(d.township_code, d.county_code) END AS row_code,
       count(*) AS activities
FROM weeks w
JOIN activities a ON a.date >= w.monday AND a.date <= least(w.monday + 6, $as_of::DATE)
JOIN divisions d ON d.code = a.division
WHERE $county::VARCHAR IS NULL OR d.county_code = $county::VARCHAR
GROUP BY ALL
ORDER BY row_code, w.monday
