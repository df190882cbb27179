-- The project names of one county (to suggest the right one when a name is mistyped).
SELECT name FROM brands WHERE county = $county ORDER BY name
