-- The counties that owe reports, in code order.
SELECT code, name FROM divisions WHERE level = 'county' ORDER BY code;
