-- Imported targets (metric, area code or '*', year, value).
SELECT metric, area, year, value FROM targets ORDER BY metric, area, year;
