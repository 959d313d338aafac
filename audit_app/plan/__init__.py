"""Step 4: make changes, commission and improve (§9)."""
