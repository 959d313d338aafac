"""The operations views call: load, check permission, change, commit."""
