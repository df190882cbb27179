-- The plans stored in the database (imported with `rcdash plans import`), as their TOML text.
SELECT id, toml FROM plans ORDER BY "end", id;
