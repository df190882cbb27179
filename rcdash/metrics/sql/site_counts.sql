-- Open service sites of each tier, per place (a village's township, else the site's own division), from each
-- day the count changed on (a derived table, rebuilt by rcdash.db.refresh_derived when the sites change). A site
-- is open from its opening day until the day it closes.
WITH changes AS (  -- +1 when a site opens, -1 when it closes
    SELECT division, tier, opened_on AS day, 1 AS n FROM sites
    UNION ALL
    SELECT division, tier, closed_on, -1 FROM sites WHERE closed_on IS NOT NULL
),
per_day AS (
    SELECT CASE WHEN length(division) > 9 THEN left(division, 9) ELSE division END AS place, day,
           coalesce(sum(n) FILTER (WHERE tier = 'center'), 0) AS center,
           coalesce(sum(n) FILTER (WHERE tier = 'base'), 0) AS base,
           coalesce(sum(n) FILTER (WHERE tier = 'station'), 0) AS station,
           coalesce(sum(n) FILTER (WHERE tier = 'point'), 0) AS point
    FROM changes
    GROUP BY ALL
)
SELECT place, day,
       (sum(center) OVER w)::INTEGER AS center, (sum(base) OVER w)::INTEGER AS base,
       (sum(station) OVER w)::INTEGER AS station, (sum(point) OVER w)::INTEGER AS point
FROM per_day
WINDOW w AS (PARTITION BY place ORDER BY day)
ORDER BY place, day
