-- stale_members: the latest snapshot of a division that has any is older than $stale_months months at $as_of.
WITH latest AS (
    SELECT division, max(date) AS date FROM {members} WHERE date <= $as_of GROUP BY division
)
SELECT 'members' AS kind, m.division, m.date, date_diff('month', m.date, $as_of)::DOUBLE AS value,
       NULL::DOUBLE AS expected_min, $stale_months::DOUBLE AS expected_max, m.import_id,
       m.division || '|' || strftime(m.date, '%Y-%m-%d') AS row_key
FROM latest l JOIN {members} m ON m.division = l.division AND m.date = l.date
WHERE l.date < $as_of - to_months($stale_months)
ORDER BY m.division
