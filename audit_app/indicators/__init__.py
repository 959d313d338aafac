"""Step 3 indicators: values per period, the dashboard (seed 002) and report cards (seed 004)."""
