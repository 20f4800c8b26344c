"""Housing views, split by subject: households and progress, complaints, field work (the list import is core.import_views)."""
