-- Every numbered division (number, level), as stored: in order of number.
SELECT number, level FROM division_numbers
