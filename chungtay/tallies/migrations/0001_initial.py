"""The kept figures' tables, made by `reports`' migrations (0002 to 0006) and taken over as they are.

In Django's state only (reports 0007 forgets them there): each model names the table it had in
`reports` (db_table), so an existing database keeps its rows and a new one gets the tables from
reports' migrations, run first.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgunits', '0003_alter_unitsuccession_kind'),
        ('reports', '0006_month_ends'),  # the tables exist
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MonthEndMark',
                    fields=[
                        ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='orgunits.orgunit')),
                        ('since', models.DateField(null=True)),
                    ],
                    options={
                        'db_table': 'reports_monthendmark',
                    },
                ),
                migrations.CreateModel(
                    name='OwnMoney',
                    fields=[
                        ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='orgunits.orgunit')),
                        ('fund_donations', models.BigIntegerField(default=0)),
                        ('fund_cash', models.BigIntegerField(default=0)),
                        ('fund_allocation', models.BigIntegerField(default=0)),
                        ('fund_disbursed', models.BigIntegerField(default=0)),
                        ('fund_fees', models.BigIntegerField(default=0)),
                        ('source_committed', models.BigIntegerField(default=0)),
                        ('source_disbursed', models.BigIntegerField(default=0)),
                        ('donations_of_funds', models.BigIntegerField(default=0)),
                        ('disbursed_to_households', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'reports_ownmoney',
                    },
                ),
                migrations.CreateModel(
                    name='StaleFigures',
                    fields=[
                        ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='orgunits.orgunit')),
                        ('marked_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'reports_stalefigures',
                    },
                ),
                migrations.CreateModel(
                    name='TreeMoney',
                    fields=[
                        ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='orgunits.orgunit')),
                        ('fund_donations', models.BigIntegerField(default=0)),
                        ('fund_cash', models.BigIntegerField(default=0)),
                        ('fund_allocation', models.BigIntegerField(default=0)),
                        ('fund_disbursed', models.BigIntegerField(default=0)),
                        ('fund_fees', models.BigIntegerField(default=0)),
                        ('source_committed', models.BigIntegerField(default=0)),
                        ('source_disbursed', models.BigIntegerField(default=0)),
                        ('donations_of_funds', models.BigIntegerField(default=0)),
                        ('disbursed_to_households', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'reports_treemoney',
                    },
                ),
                migrations.CreateModel(
                    name='MonthEnd',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month_end', models.DateField()),
                        ('group', models.CharField(max_length=20)),
                        ('phase_year', models.PositiveSmallIntegerField(default=0)),
                        ('values', models.JSONField()),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgunits.orgunit')),
                    ],
                    options={
                        'db_table': 'reports_monthend',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'month_end', 'group', 'phase_year'), name='monthend_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='OwnMonthMoney',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('received', models.BigIntegerField(default=0)),
                        ('disbursed', models.BigIntegerField(default=0)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgunits.orgunit')),
                    ],
                    options={
                        'db_table': 'reports_ownmonthmoney',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'month'), name='ownmonthmoney_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='TreeHouses',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phase_year', models.PositiveSmallIntegerField()),
                        ('planned', models.PositiveIntegerField(default=0)),
                        ('not_started', models.PositiveIntegerField(default=0)),
                        ('started', models.PositiveIntegerField(default=0)),
                        ('building', models.PositiveIntegerField(default=0)),
                        ('completed', models.PositiveIntegerField(default=0)),
                        ('handed_over', models.PositiveIntegerField(default=0)),
                        ('withdrawn', models.PositiveIntegerField(default=0)),
                        ('amount', models.BigIntegerField(default=0)),
                        ('amount_done', models.BigIntegerField(default=0)),
                        ('plan_amount', models.BigIntegerField(default=0)),
                        ('located', models.PositiveIntegerField(default=0)),
                        ('lat_sum', models.FloatField(default=0)),
                        ('lon_sum', models.FloatField(default=0)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgunits.orgunit')),
                    ],
                    options={
                        'db_table': 'reports_treehouses',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'phase_year'), name='treehouses_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='TreeMonthMoney',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('received', models.BigIntegerField(default=0)),
                        ('disbursed', models.BigIntegerField(default=0)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgunits.orgunit')),
                    ],
                    options={
                        'db_table': 'reports_treemonthmoney',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'month'), name='treemonthmoney_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='TreeProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('started', models.PositiveIntegerField(default=0)),
                        ('completed', models.PositiveIntegerField(default=0)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgunits.orgunit')),
                    ],
                    options={
                        'db_table': 'reports_treeprogress',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'month'), name='treeprogress_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
