-- The first monthly-theme activity of each month per place: a village's township, else the activity's own
-- division (a derived table, rebuilt by rcdash.db.refresh_derived when the activities change).
SELECT CASE WHEN length(division) > 9 THEN left(division, 9) ELSE division END AS place,
       date_trunc('month', date)::DATE AS month,
       min(date) AS first_day
FROM activities
WHERE is_monthly_theme
GROUP BY ALL
ORDER BY month, place
