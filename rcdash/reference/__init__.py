"""Reference data shipped with the repo: statistical divisions, census population, and division-name matching."""
