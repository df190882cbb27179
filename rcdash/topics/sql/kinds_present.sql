-- Which record kinds the map and the gap page depend on hold any rows (an empty kind reads as 无数据, not 0).
SELECT (SELECT count(*) FROM sites) > 0 AS sites,
       (SELECT count(*) FROM branches) > 0 AS branches,
       (SELECT count(*) FROM members) > 0 AS members,
       (SELECT count(*) FROM population) > 0 AS population
