-- One stored plan's TOML text by id.
SELECT toml FROM plans WHERE id = ?;
