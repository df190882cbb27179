-- The stored metrics (rcdash.metrics.engine.store_latest) of the city and the areas of $levels, when they are
-- for $as_of; no rows otherwise. In stored order, which is the engine query's.
SELECT * FROM latest_metrics
WHERE as_of = $as_of AND (level = 'city' OR list_contains($levels::VARCHAR[], level))
