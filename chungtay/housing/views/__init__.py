"""Housing views by subject: households and progress, complaints, field work (the list import: core.import_views)."""
