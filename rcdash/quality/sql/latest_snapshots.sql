-- The members snapshots the figures use as of $as_of: each division's latest (as row keys, as the checks write them).
SELECT division || '|' || strftime(max(date), '%Y-%m-%d') FROM {members} WHERE date <= $as_of GROUP BY division
