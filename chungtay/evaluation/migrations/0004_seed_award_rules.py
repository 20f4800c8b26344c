"""The Front's defaults for who confers which award (editable afterwards in the admin).

The town's and, since the 2025 reorganisation, the commune's committee confer the Giấy khen; the
provincial committee the Bằng khen and the Cờ thi đua; the Central committee its own Bằng khen,
Cờ thi đua and the Kỷ niệm chương. Cash: the Giấy khen carries 0,3 times the base salary for a
person and twice that for a collective (Decree 98/2023/NĐ-CP; base salary 2.340.000 đ from
01/7/2024) — the office updates these when the base salary changes. The upper levels pay their own
awards, so their rows carry no amount here.
"""

from django.db import migrations

BASIS = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP"
RULES = [
    # (form, level, conferrer, cash collective, cash individual)
    ("Giấy khen", 2, "Ban Thường trực Ủy ban MTTQ Việt Nam cấp huyện", 1_404_000, 702_000),
    ("Giấy khen", 3, "Ban Thường trực Ủy ban MTTQ Việt Nam cấp xã", 1_404_000, 702_000),
    ("Bằng khen", 1, "Ủy ban MTTQ Việt Nam tỉnh", 0, 0),
    ("Cờ thi đua", 1, "Ủy ban MTTQ Việt Nam tỉnh", 0, 0),
    ("Bằng khen", 0, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
    ("Cờ thi đua", 0, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
    ("Kỷ niệm chương", 0, "Ủy ban Trung ương MTTQ Việt Nam", 0, 0),
]


def seed(apps, schema_editor):
    AwardRule = apps.get_model("evaluation", "AwardRule")
    for form_name, level, conferrer, collective, individual in RULES:
        AwardRule.objects.get_or_create(
            form_name=form_name, level=level,
            defaults={"conferrer": conferrer, "cash_collective": collective, "cash_individual": individual,
                      "basis": BASIS},
        )  # fmt: skip


def unseed(apps, schema_editor):
    AwardRule = apps.get_model("evaluation", "AwardRule")
    for form_name, level, *_ in RULES:
        AwardRule.objects.filter(form_name=form_name, level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_award_rules_exclusions")]
    operations = [migrations.RunPython(seed, unseed)]
