"""Step 3: partners' evidence returns about the services they deliver, and the lead's review."""
