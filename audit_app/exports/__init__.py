"""Exports of an audit (report, PDF, XLSX, CSV, JSON) and importing a JSON export."""
