-- Every division whose code is a number as written (digits, no leading zero: all the statistical codes), by that
-- number, in order. An import reads it whole and looks its plain codes up by binary search
-- (rcdash.importing.resolve.levels_by_number). The level is an ENUM, which reaches Python as a dictionary of four
-- texts instead of 455,000 strings (2.5 ms instead of 17 for the national demo); its values are
-- rcdash.reference.divisions.LEVELS (a test keeps the two alike).
SELECT CAST(code AS BIGINT) AS number, CAST(level AS ENUM ('city', 'county', 'township', 'village')) AS level
FROM divisions
WHERE regexp_full_match(code, '[1-9][0-9]{0,17}')
ORDER BY number
