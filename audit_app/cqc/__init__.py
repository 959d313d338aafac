"""The CQC self-assessment: the quality statements, their evidence and the lead's scores."""
