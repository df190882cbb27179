-- Counties and townships with their names (the labels of the map and the tables).
SELECT code, name, level, parent_code, county_code, synthetic
FROM divisions
WHERE level IN ('county', 'township')
ORDER BY code
