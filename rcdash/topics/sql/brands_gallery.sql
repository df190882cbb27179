-- 一地一品 projects started by $as_of (counted as the brand_projects metric counts them), in one county or all.
SELECT b.name, b.county, d.name AS county_name, b.description, b.started_on, b.category, b.beneficiaries,
       b.photo, b.tags
FROM brands b
JOIN divisions d ON d.code = b.county
WHERE (b.started_on IS NULL OR b.started_on <= $as_of)
  AND ($county::VARCHAR IS NULL OR b.county = $county::VARCHAR)
ORDER BY b.county, b.started_on NULLS LAST, b.name
