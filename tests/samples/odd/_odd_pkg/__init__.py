"""Package imported by imports_local.py."""
