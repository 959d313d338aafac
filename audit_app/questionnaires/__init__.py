"""Step 2 questionnaires: opening, answering (signed in and public), CSV import, results."""
