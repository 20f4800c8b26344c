"""Housing views, split by subject: households and progress, the list import, complaints."""
