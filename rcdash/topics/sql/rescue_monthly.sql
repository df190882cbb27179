-- 三救三献 monthly figures per county for months starting in [$start, $end]; one county or ($county NULL) all.
SELECT r.county, c.name AS county_name, r.month, r.first_aid_certified, r.first_aid_public, r.blood_donations,
       r.stem_cell_registrations, r.organ_donation_registrations, r.relief_people
FROM rescue_stats r JOIN divisions c ON c.code = r.county
WHERE r.month >= $start AND r.month <= $end AND ($county IS NULL OR r.county = $county)
ORDER BY r.county, r.month;
