"""Briefing documents (DOCX, XLSX, PPTX) built from the library's figures."""
