-- The earliest date of the records measured over time (members snapshots, activities, monthly figures, party reports).
-- Establishment dates are left out: they reach back decades (a branch founded in 2008) while nothing was reported then.
SELECT min(d) FROM (
    SELECT min(date) AS d FROM members
    UNION ALL SELECT min(date) FROM activities
    UNION ALL SELECT min(month) FROM rescue_stats
    UNION ALL SELECT min(date) FROM party
);
