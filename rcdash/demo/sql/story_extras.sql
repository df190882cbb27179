-- Demo-story figures the metrics engine does not report (the rest of the story is checked with the engine).
SELECT
    (SELECT count(*) FROM activities WHERE date <= $as_of) AS activities,
    (SELECT count(*) FROM (
        SELECT division FROM branches
        WHERE level = '村社区' AND established_on <= $as_of AND (closed_on IS NULL OR closed_on > $as_of)
        GROUP BY division HAVING count(*) > 1)) AS double_branch_villages;
