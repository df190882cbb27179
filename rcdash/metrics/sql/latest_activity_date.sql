-- The latest activity date (weeks and months after it are no data).
SELECT max(date) FROM activities;
