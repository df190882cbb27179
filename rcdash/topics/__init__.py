"""What each page shows, as DataFrames: one module a topic, its SQL in topics/sql/."""
