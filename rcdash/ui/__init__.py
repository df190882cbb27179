"""Streamlit widgets shared by the pages (the only part of rcdash that imports streamlit)."""
