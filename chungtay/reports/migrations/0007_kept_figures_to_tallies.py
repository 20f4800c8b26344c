"""The kept figures' models move to the app `tallies` (issue 23): forgotten here in Django's state only.

Their tables stay as they are, rows and all: `tallies` declares the same tables (db_table) and takes
them over in its first migration, also in the state only. Nothing is copied, dropped or created.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_month_ends'),
        ('tallies', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='monthendmark',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='ownmoney',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='ownmonthmoney',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='stalefigures',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='treehouses',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='treemoney',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='treemonthmoney',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='treeprogress',
                    name='unit',
                ),
                migrations.DeleteModel(
                    name='MonthEnd',
                ),
                migrations.DeleteModel(
                    name='MonthEndMark',
                ),
                migrations.DeleteModel(
                    name='OwnMoney',
                ),
                migrations.DeleteModel(
                    name='OwnMonthMoney',
                ),
                migrations.DeleteModel(
                    name='StaleFigures',
                ),
                migrations.DeleteModel(
                    name='TreeHouses',
                ),
                migrations.DeleteModel(
                    name='TreeMoney',
                ),
                migrations.DeleteModel(
                    name='TreeMonthMoney',
                ),
                migrations.DeleteModel(
                    name='TreeProgress',
                ),
            ],
            database_operations=[],
        ),
    ]
