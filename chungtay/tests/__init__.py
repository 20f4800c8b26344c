"""What every app's tests share: the builders of test data and the kept migrated test database (issue 23)."""
