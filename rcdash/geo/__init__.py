"""Geography: county boundaries, approximate township areas, CRS conversion, spatial lookups."""
