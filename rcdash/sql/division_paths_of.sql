-- The division (code, level) of each registered resolution key division_keys_wanted(i, key) found in division_paths.
SELECT w.i, p.code, p.level FROM division_keys_wanted w JOIN division_paths p ON p.key = w.key
