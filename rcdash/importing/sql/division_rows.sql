-- Every division, as a name index (rcdash.reference.divisions.DivisionIndex) takes them.
SELECT code, name, short_name, level, parent_code, kind FROM divisions
