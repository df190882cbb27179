-- The level of each code of division_codes_wanted(i, code) that is a division (rows without one are left out).
SELECT w.i, d.level FROM division_codes_wanted w JOIN divisions d ON d.code = w.code
