from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "chungtay.evaluation"
    label = "evaluation"
    verbose_name = "Chấm điểm, bình xét, khen thưởng"
