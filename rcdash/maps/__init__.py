"""Map builders (pure: data in, folium objects out) and the vendored JS/CSS that lets them render offline."""
