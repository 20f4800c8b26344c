"""In a real browser: the office sets a movement up from a plan; a commune does its part."""

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from chungtay.campaigns.models import (
    Activity,
    GoodModel,
    LegalReference,
    MilestoneKind,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
)
from conftest import login

from .conftest import PDF, day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def fmt(d):
    return d.strftime("%d/%m/%Y")


def test_an_office_user_sets_up_a_movement_from_a_plan_and_launches_it(page, people, tree, artifacts_dir):
    login(page, "office")
    page.click("#menu >> text=Phong trào")
    page.click("[data-testid=movement-create]")
    page.fill("#id_symbol", "199/KH-MTTQ-BTT")
    page.select_option("#id_issuing_unit", str(tree.town.pk))
    page.fill("#id_issued_on", fmt(day(-5)))
    page.fill("#id_title", "Phong trào thi đua năm nay")
    page.fill("#id_theme", "Đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam các cấp")
    page.fill("#id_purposes", "- Đổi mới nội dung, phương thức hoạt động\n- Hỗ trợ nhà ở cho hộ nghèo, cận nghèo")
    page.fill("#id_starts_on", fmt(day(-5)))
    page.fill("#id_ends_on", fmt(day(200)))
    page.fill("#id_review_month", "13/2024")  # a typo first: the form says what is wrong, in Vietnamese
    page.click("text=Lưu")
    assert "Ghi tháng theo dạng mm/yyyy" in page.inner_text("main")
    page.fill("#id_review_month", day(230).strftime("%m/%Y"))
    plan = artifacts_dir / "ke-hoach-199.pdf"
    plan.write_bytes(PDF)
    page.set_input_files("#id_file", str(plan))
    page.click("text=Lưu")
    page.wait_for_selector("[data-testid=movement-status]")
    assert page.inner_text("[data-testid=movement-status]") == "Dự thảo"
    movement = Movement.objects.get()

    # A legal basis, added in place (htmx).
    page.click("#can-cu summary")
    page.select_option("#can-cu #id_kind", "huong_dan")
    page.fill("#can-cu #id_number", "32/HD-MTTQ-BTT")
    page.fill("#can-cu #id_issued_on", "20/02/2024")
    page.fill("#can-cu #id_issuer", "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam")
    page.fill("#can-cu #id_summary", "Về công tác thi đua, khen thưởng năm 2024")
    page.click("#can-cu button[type=submit]")
    page.wait_for_selector("#can-cu >> text=32/HD-MTTQ-BTT")
    assert LegalReference.objects.filter(movement=movement).count() == 1

    # The commune criteria: a group and two items.
    page.click("[data-testid=level-3] >> text=Xây dựng bộ tiêu chí")
    page.fill("#id_code", "3.2.1")
    page.fill("#id_title", "Về đổi mới, nâng cao năng lực hoạt động")
    page.select_option("#id_kind", "group")
    page.click("[data-testid=criterion-form] button[type=submit]")
    page.wait_for_selector("text=Đã thêm 3.2.1.")
    for code, points, kind in (("3.2.1.a", "15", "reviewed"), ("3.2.1.d", "10", "computed")):
        page.select_option("#id_parent", "3.2.1")
        page.fill("#id_code", code)
        page.fill("#id_title", f"Tiêu chí {code}")
        page.select_option("#id_kind", kind)
        page.fill("#id_max_points", points)
        if kind == "computed":
            page.select_option("#id_metric_key", "obligations_on_time")
        else:
            page.check("input[name=evidence_kinds][value=minutes]")
        page.click("[data-testid=criterion-form] button[type=submit]")
        page.wait_for_selector(f"text=Đã thêm {code}.")
    assert page.inner_text("[data-testid=criteria-total]") == "25"

    # Participants: every commune of the town in one click.
    page.goto(page.base_url + f"/phong-trao/{movement.pk}/doi-tuong/")
    page.select_option("#id_level", "3")
    page.click("[data-testid=add-level-form] button")
    page.wait_for_selector("text=Đã thêm 2 đơn vị")

    # Milestones.
    page.goto(page.base_url + f"/phong-trao/{movement.pk}/moc/")
    for kind, due in (("registration", day(10)), ("own_plan", day(20)), ("launch", day(30))):
        page.select_option("#id_kind", kind)
        page.select_option("#id_level", "3")
        page.fill("#id_due_on", fmt(due))
        page.click("[data-testid=milestone-form] button")
        page.wait_for_selector("text=Đã thêm mốc thời gian.")
    assert page.locator("[data-testid=milestone-table] tbody tr").count() == 3

    # Launch.
    page.goto(page.base_url + f"/phong-trao/{movement.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=transition-launched]")
    page.wait_for_selector("text=Đã phát động phong trào")
    assert page.inner_text("[data-testid=movement-status]") == "Đã phát động"
    movement.refresh_from_db()
    assert movement.status == MovementStatus.LAUNCHED and movement.plan_document
    assert Obligation.objects.filter(milestone__movement=movement).count() == 2 * 3
    page.screenshot(path=str(SHOTS / "phong-trao-thiet-lap.png"), full_page=True)


def test_a_commune_user_registers_uploads_records_and_proposes(page, launched, people, tree, artifacts_dir):
    good_pdf = artifacts_dir / "ke-hoach-vinh-dien.pdf"
    good_pdf.write_bytes(PDF)
    fake = artifacts_dir / "ke-hoach-gia.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    photo = artifacts_dir / "mo-hinh.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (120, 170, 210)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())

    login(page, "staff_a")
    page.click("#menu >> text=Phong trào")
    page.click("text=199/KH-MTTQ-BTT")
    page.click("[data-testid=my-units] >> text=phường Vĩnh Điện")
    assert "Đơn vị chưa đăng ký thi đua" in page.inner_text("[data-testid=registration]")

    page.click("[data-testid=register-link]")
    page.fill("#id_commitments", "- Ban hành quy chế làm việc nhiệm kỳ 2024 - 2029\n- Hoàn thành nhà theo phân kỳ")
    page.click("[data-testid=unit-form] button[type=submit]")
    page.wait_for_selector("text=Đã đăng ký thi đua.")

    page.click("[data-testid=unit-actions] >> text=Tải kế hoạch của đơn vị")
    page.fill("#id_number", "15/KH-MTTQ")
    page.set_input_files("#id_file", str(fake))
    page.click("[data-testid=unit-form] button[type=submit]")
    assert "không đúng định dạng" in page.inner_text("[data-testid=unit-form]")
    page.set_input_files("#id_file", str(good_pdf))
    page.click("[data-testid=unit-form] button[type=submit]")
    page.wait_for_selector("text=Đã tải lên kế hoạch của đơn vị.")

    page.click("[data-testid=unit-actions] >> text=Hội nghị phát động")
    page.fill("#id_held_on", fmt(day(0)))
    page.fill("#id_place", "Hội trường UBND phường")
    page.fill("#id_attendance", "86")
    assert page.locator("#id_training_kind").is_hidden()  # only trainings ask for it (campaigns-activity.js)
    page.set_input_files("#id_file", str(good_pdf))
    page.click("[data-testid=unit-form] button[type=submit]")
    page.wait_for_selector("text=Đã ghi nhận: Hội nghị phát động phong trào thi đua.")

    page.click("[data-testid=unit-actions] >> text=Bồi dưỡng, tập huấn")
    page.select_option("#id_training_kind", "toa_dam")
    page.fill("#id_title", "Tọa đàm kỹ năng vận động Nhân dân")
    page.fill("#id_held_on", fmt(day(0)))
    page.fill("#id_attendance", "42")
    page.check("input[name=criteria] >> nth=1")
    page.click("[data-testid=unit-form] button[type=submit]")
    page.wait_for_selector("text=Đã ghi nhận: Tọa đàm kỹ năng vận động Nhân dân.")

    done = page.inner_text("[data-testid=done]")
    assert "Xây dựng kế hoạch cụ thể" in done and "Tổ chức hội nghị phát động" in done and "Đăng ký thi đua" in done
    shot = artifacts_dir / "phong-trao-don-vi.png"
    page.screenshot(path=str(shot), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / "phong-trao-don-vi.png")

    page.click("[data-testid=unit-actions] >> text=Đề xuất mô hình hay")
    page.fill("#id_title", "Ngày công thiện nguyện dựng nhà cho hộ nghèo")
    page.select_option("#id_field", "housing")
    page.fill("#id_description", "Mỗi khối phố lập tổ thợ thiện nguyện.")
    page.set_input_files("#id_photo", str(photo))
    page.click("[data-testid=unit-form] button[type=submit]")
    page.wait_for_selector("[data-testid=goodmodel-status]")
    assert page.inner_text("[data-testid=goodmodel-status]") == "Đề xuất"
    assert page.locator("[data-testid=goodmodel-photos] img").count() == 1

    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    assert participation.registered_at and not participation.registered_late
    fulfilled = set(
        Obligation.objects.filter(unit=tree.commune_a, fulfilled_at__isnull=False).values_list(
            "milestone__kind", flat=True
        )
    )
    assert fulfilled == {MilestoneKind.REGISTRATION, MilestoneKind.OWN_PLAN, MilestoneKind.LAUNCH}
    assert Activity.objects.filter(unit=tree.commune_a).count() == 2
    assert GoodModel.objects.get().unit == tree.commune_a


def test_the_office_sees_whom_to_urge_on_a_phone(phone_page, launched, people, tree):
    page = phone_page
    login(page, "office")
    page.goto(page.base_url + f"/phong-trao/{launched.pk}/theo-doi/?tinh-trang=chua-dang-ky")
    rows = page.locator("[data-testid=tracking-table] tbody tr")
    assert rows.count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "phong-trao-theo-doi.png"), full_page=True)
