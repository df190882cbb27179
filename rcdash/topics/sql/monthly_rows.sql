-- The rows of the monthly grid: the counties, or with $county the townships of that county.
SELECT code, name
FROM divisions
WHERE CASE WHEN $county::VARCHAR IS NULL THEN level = 'county'
           ELSE level = 'township' AND county_code = $county::VARCHAR END
ORDER BY code
