-- The first receipt of every (kind, county, month) the loaded imports report (DESIGN §9): received = when the
-- county's data arrived (a central import: when imported; an approved submission: when submitted). Rows without a
-- report month (registers) are kept per import: each is the report of the cycles that ended before it arrived.
SELECT c.kind, c.county, c.month, min(coalesce(i.received_at, i.created_at)) AS received
FROM import_coverage c JOIN imports i ON i.import_id = c.import_id
WHERE i.status = 'loaded' AND list_contains($kinds, c.kind)
GROUP BY c.kind, c.county, c.month, CASE WHEN c.month IS NULL THEN c.import_id END;
