-- The first and last activity dates (the months the monthly page offers).
SELECT min(date), max(date) FROM activities
