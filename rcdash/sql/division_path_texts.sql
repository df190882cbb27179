-- Every division below the root with its name, short name and its parent's short name (for division_paths).
SELECT d.code, d.name, coalesce(nullif(trim(d.short_name), ''), d.name) AS short,
       coalesce(nullif(trim(p.short_name), ''), p.name) AS parent_short
FROM divisions d LEFT JOIN divisions p ON p.code = d.parent_code
WHERE d.parent_code IS NOT NULL AND d.parent_code <> ''
ORDER BY d.code
