-- Every 一地一品 project with its county's name, for choosing one to attach a photo to.
SELECT c.name AS county_name, b.name, b.photo
FROM brands b JOIN divisions c ON c.code = b.county
ORDER BY c.code, b.name;
