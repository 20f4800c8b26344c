"""The cached display methods answer like Django's, in the active language."""

from django.db.models import Model
from django.utils import translation

from chungtay.housing.models import Household, Status
from chungtay.orgunits.models import OrgUnit


def test_display_methods_give_the_label_in_the_active_language_and_the_value_when_unknown():
    house = Household(status=Status.HANDED_OVER)
    with translation.override("vi"):
        assert (
            house.get_status_display()
            == "Đã bàn giao"
            == Model._get_FIELD_display(house, Household._meta.get_field("status"))
        )
    with translation.override("en"):
        english = house.get_status_display()
        assert english == Model._get_FIELD_display(house, Household._meta.get_field("status")) != "Đã bàn giao"
    house.status = "no-such-status"
    assert house.get_status_display() == "no-such-status"


def test_every_model_field_with_choices_uses_the_cached_method():
    for model in (Household, OrgUnit):
        for field in model._meta.fields:
            if field.choices:
                method = getattr(model, f"get_{field.name}_display")
                assert method.__module__ == "chungtay.core.choices", (model, field.name)
