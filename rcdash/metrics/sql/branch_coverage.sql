-- Villages with an open 村社区 branch, per township, from each day it changed on (a derived table, rebuilt by
-- rcdash.db.refresh_derived when the branches change). A village counts while at least one of its 村社区
-- branches is open: established on or before the day, not closed by it. Its township is the first 9 digits of
-- its 12-digit code. The metrics read the latest row on or before the as-of date of each township.
WITH changes AS (  -- +1 when a branch opens, -1 when it closes
    SELECT division, established_on AS day, 1 AS n
    FROM branches WHERE level = '村社区' AND length(division) = 12
    UNION ALL
    SELECT division, closed_on, -1
    FROM branches WHERE level = '村社区' AND length(division) = 12 AND closed_on IS NOT NULL
),
open_branches AS (  -- a village's open branches after each day one opened or closed
    SELECT division, day, sum(sum(n)) OVER (PARTITION BY division ORDER BY day) AS n
    FROM changes
    GROUP BY division, day
),
covered AS (  -- +1 when a village gains its first open branch, -1 when it loses its last
    SELECT division, day,
           (n > 0)::INTEGER - coalesce(lag(n > 0) OVER (PARTITION BY division ORDER BY day), false)::INTEGER AS delta
    FROM open_branches
)
SELECT left(division, 9) AS place, day,
       sum(sum(delta)) OVER (PARTITION BY left(division, 9) ORDER BY day)::INTEGER AS villages
FROM covered
WHERE delta <> 0
GROUP BY left(division, 9), day
ORDER BY place, day
