-- The latest date among the dated records (month rows count at their month's first day).
SELECT max(d) FROM (
    SELECT max(established_on) AS d FROM branches
    UNION ALL SELECT max(opened_on) FROM sites
    UNION ALL SELECT max(date) FROM members
    UNION ALL SELECT max(founded_on) FROM teams
    UNION ALL SELECT max(date) FROM activities
    UNION ALL SELECT max(started_on) FROM brands
    UNION ALL SELECT max(established_on) FROM funds
    UNION ALL SELECT max(last_disclosed_on) FROM funds
    UNION ALL SELECT max(month) FROM rescue_stats
    UNION ALL SELECT max(date) FROM party
);
