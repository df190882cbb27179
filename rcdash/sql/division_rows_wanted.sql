-- The divisions whose codes are in the registered table wanted(value), as a name index takes them.
SELECT d.code, d.name, d.short_name, d.level, d.parent_code, d.kind FROM divisions d JOIN wanted w ON w.value = d.code
