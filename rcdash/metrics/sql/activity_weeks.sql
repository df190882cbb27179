-- The first activity of each ISO week (named by its Monday) per place: a village's township, else the
-- activity's own division (a derived table, rebuilt by rcdash.db.refresh_derived when the activities change).
-- A week is voiced as of a date when its first activity lies on or before that date.
SELECT CASE WHEN length(division) > 9 THEN left(division, 9) ELSE division END AS place,
       date - (isodow(date) - 1)::INTEGER AS monday,
       min(date) AS first_day
FROM activities
GROUP BY ALL
ORDER BY monday, place
