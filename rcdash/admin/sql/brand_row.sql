-- One 一地一品 project by its natural key (county code and exact name), every imported field.
SELECT name, county, description, started_on, category, beneficiaries, photo, tags
FROM brands
WHERE county = $county AND name = $name
