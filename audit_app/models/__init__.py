"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from audit_app.models.audit import Audit, AuditMembership, Invitation
from audit_app.models.organisation import Organisation
from audit_app.models.user import User

__all__ = ["Audit", "AuditMembership", "Invitation", "Organisation", "User"]
