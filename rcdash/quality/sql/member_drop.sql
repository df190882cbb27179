-- member_drop: a division's adult members fall by $drop_share or more between two consecutive snapshots.
-- {members}: the members rows (the table, or the table with a file's rows laid over it for an import preview).
WITH s AS (
    SELECT division, date, adult_members, import_id,
           lag(adult_members) OVER (PARTITION BY division ORDER BY date) AS previous,
           lag(date) OVER (PARTITION BY division ORDER BY date) AS previous_date
    FROM {members}
    WHERE date <= $as_of
)
SELECT 'members' AS kind, division, date, adult_members::DOUBLE AS value,
       previous * (1 - $drop_share) AS expected_min, NULL::DOUBLE AS expected_max, import_id,
       division || '|' || strftime(date, '%Y-%m-%d') AS row_key,
       previous, previous_date
FROM s
WHERE previous >= $min_previous AND adult_members <= previous * (1 - $drop_share)
ORDER BY division, date
