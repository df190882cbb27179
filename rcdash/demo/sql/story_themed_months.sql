-- Per county over the span $since … $as_of: months with a monthly-theme activity, weeks with any activity.
SELECT d.county_code,
       count(DISTINCT date_trunc('month', a.date)) FILTER (WHERE a.is_monthly_theme) AS themed_months,
       count(DISTINCT date_trunc('week', a.date)) AS voiced_weeks
FROM activities a JOIN divisions d ON d.code = a.division
WHERE a.date BETWEEN $since AND $as_of
GROUP BY d.county_code;
