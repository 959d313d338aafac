"""The Carers' Hub domain model: framework data and the rules that turn
judgements into maps. Pure Python: no Flask, no SQLAlchemy, no audit_app."""
