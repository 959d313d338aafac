"""Step 2 of an audit: understand needs and outcomes."""
