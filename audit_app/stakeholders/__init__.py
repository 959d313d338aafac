"""Step 1 of an audit: stakeholders, carer population figures and linked sources."""
