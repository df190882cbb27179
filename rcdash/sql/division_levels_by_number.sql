-- The level of each code of division_numbers_wanted(i, number) that is a division (rows without one are left out).
SELECT w.i, d.level FROM division_numbers_wanted w JOIN division_numbers d ON d.number = w.number
