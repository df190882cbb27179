-- store_latest replaces the stored metrics (rcdash.metrics.engine).
DROP TABLE IF EXISTS latest_metrics
