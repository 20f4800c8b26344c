# knox's own migrations create knox_authtoken even though settings.KNOX_TOKEN_MODEL swaps its model for
# accounts.ApiToken, so nothing reads or writes that table. Left in place, its foreign key to the users'
# table makes PostgreSQL refuse the TRUNCATE that `flush` (and every transactional test) runs on the
# tables Django knows. Dropping the unused table is safe in both directions: nothing refers to it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_token"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop),
    ]
