-- The counties (code, name), for filters.
SELECT code, name FROM divisions WHERE level = 'county' ORDER BY code;
