"""Housing demo for Điện Bàn: the Resolution 13/2023 norms, ~200 fictional households across the
20 communes and wards (phases 2023–2025 of the story, moved with the demo's clock), funding plans, stage
updates with drawn photos that carry EXIF time and GPS, and a few complaints. Only the stages reached by
the demo's day are recorded: a house of a later phase is still waiting to start.

Every name is generated from common family, middle and given names with a fixed seed: none is a
real person. Idempotent: households are keyed by their demo code and only new ones get updates.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.core import demo_clock
from chungtay.core.demo_clock import d, happened
from chungtay.orgunits.demo import demo_city, demo_town, new_communes
from chungtay.orgunits.models import Level, OrgUnit

from . import services
from .models import (
    Category,
    Channel,
    Complaint,
    ComplaintKind,
    Concerns,
    FundingSource,
    Household,
    Stage,
    SupportKind,
    SupportNorm,
)
from .photos import make_jpeg

SEED = 199  # Kế hoạch 199/KH-MTTQ-BTT
PER_UNIT = 10
DECISION_NUMBER = "8584/QĐ-UBND"  # of 20/12/2023 in the story
NQ13 = "Nghị quyết 13/2023/NQ-HĐND ngày 22/9/2023 của HĐND tỉnh Quảng Nam"
# Around the centre of Điện Bàn; each commune gets its own offset so houses spread over the map.
CENTRE = (15.8880, 108.2500)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Đình", "Công", "Minh", "Quang", "Ngọc"]
MIDDLE_F = ["Thị", "Thị", "Thị Kim", "Thị Thu", "Ngọc", "Thị Mỹ"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Lâm", "Long", "Nam", "Phúc", "Quý", "Sơn",
           "Tâm", "Thành", "Tiến", "Trung", "Vinh"]  # fmt: skip
GIVEN_F = ["Anh", "Cúc", "Dung", "Hạnh", "Hoa", "Hương", "Lan", "Liên", "Mai", "Nga", "Nhung", "Phượng", "Sen",
           "Tâm", "Thảo", "Thu", "Trang", "Xuân"]  # fmt: skip
CATEGORY_WEIGHTS = [
    (Category.POOR, 45), (Category.NEAR_POOR, 30), (Category.POLICY, 15), (Category.DISASTER, 6), (Category.OTHER, 4),
]  # fmt: skip
STAGES = list(Stage.values)
STAGE_DAYS = {"start": 0, "foundation": 15, "walls": 35, "roof": 55, "completed": 75, "handed_over": 85}


def _norms(admin: User) -> list[SupportNorm]:
    wanted = [
        ("Xóa nhà tạm, nhà dột nát tỉnh Quảng Nam 2023–2025", SupportKind.NEW, 60_000_000, NQ13,
         [Category.POOR, Category.NEAR_POOR, Category.POLICY],
         "12 huyện, thị xã, thành phố không thuộc huyện nghèo (có Điện Bàn)"),
        ("Xóa nhà tạm, nhà dột nát tỉnh Quảng Nam 2023–2025", SupportKind.REPAIR, 30_000_000, NQ13,
         [Category.POOR, Category.NEAR_POOR, Category.POLICY],
         "12 huyện, thị xã, thành phố không thuộc huyện nghèo (có Điện Bàn)"),
        ("Quỹ “Vì người nghèo” thị xã (dữ liệu mẫu)", SupportKind.NEW, 40_000_000,
         "Quy chế chi Quỹ “Vì người nghèo” thị xã (mẫu)", [Category.DISASTER, Category.OTHER], "Thị xã Điện Bàn"),
        ("Quỹ “Vì người nghèo” thị xã (dữ liệu mẫu)", SupportKind.REPAIR, 20_000_000,
         "Quy chế chi Quỹ “Vì người nghèo” thị xã (mẫu)", [Category.DISASTER, Category.OTHER], "Thị xã Điện Bàn"),
    ]  # fmt: skip
    norms = []
    for programme, kind, amount, basis, categories, group in wanted:
        norm = SupportNorm.objects.filter(kind=kind, amount=amount, legal_basis=basis).first()
        if norm is None:
            norm = services.norm_create(
                actor=admin, programme=programme, kind=kind, amount=amount, categories=list(categories),
                legal_basis=basis, valid_from=d(2023, 1, 1), valid_to=d(2025, 12, 31), area_group=group,
            )  # fmt: skip
        norms.append(norm)
    return norms


def _name(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.45
    if female:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", "female"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", "male"


def _photo(rng: random.Random, *, stage: str, taken: dt.datetime, lat: float, lon: float) -> bytes:
    """A small drawn "photo" of a house at the given stage."""
    from PIL import ImageDraw

    order = STAGES.index(stage)
    sky = (150 + rng.randint(0, 60), 190 + rng.randint(0, 40), 230)

    def draw(image) -> None:
        d = ImageDraw.Draw(image)
        w, h = image.size
        d.rectangle([0, 0, w, h * 0.55], fill=sky)
        d.rectangle([0, h * 0.55, w, h], fill=(120, 150, 90))
        base = (int(w * 0.25), int(h * 0.75), int(w * 0.75), int(h * 0.8))
        d.rectangle(base, fill=(150, 150, 150))  # foundation
        if order >= 2:
            d.rectangle([base[0], int(h * 0.45), base[2], base[1]], fill=(230, 200, 150))  # walls
        if order >= 3:
            d.polygon([(base[0] - 10, int(h * 0.45)), (w // 2, int(h * 0.25)), (base[2] + 10, int(h * 0.45))],
                      fill=(170, 60, 40))  # fmt: skip
        if order >= 4:
            d.rectangle([int(w * 0.45), int(h * 0.6), int(w * 0.55), base[1]], fill=(90, 60, 30))  # door
        d.text((8, 8), f"{Stage(stage).label} {taken:%d/%m/%Y}", fill=(20, 20, 20))

    return make_jpeg(size=(320, 240), taken_at=taken, lat=lat, lon=lon, draw=draw, color=sky)


@transaction.atomic
def load_demo() -> dict[str, int]:
    admin = User.objects.filter(username="quantri").first()
    town = demo_town()
    if admin is None or town is None:
        return {"hộ": 0}
    board = User.objects.filter(username="khoipho1").first()
    norms = _norms(admin)
    rng = random.Random(SEED)
    today = demo_clock.story_day()
    story_year = demo_clock.story_year()
    communes = list(OrgUnit.objects.filter(parent=town, level=Level.COMMUNE).order_by("name"))
    created = updates = photos = 0
    reused_photo: bytes | None = None
    for c_index, commune in enumerate(communes):
        areas = list(OrgUnit.objects.filter(parent=commune, level=Level.AREA).order_by("name"))
        if not areas:
            continue
        base_lat = CENTRE[0] + (c_index % 5 - 2) * 0.025
        base_lon = CENTRE[1] + (c_index // 5 - 2) * 0.03
        vinh_dien = commune.name == "Vĩnh Điện"
        for i in range(PER_UNIT):
            code = f"DB{c_index + 1:02d}{i + 1:02d}"
            name, gender = _name(rng)
            category = rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
            kind = SupportKind.NEW if rng.random() < 0.6 else SupportKind.REPAIR
            phase = rng.choices([2023, 2024, 2025], [25, 40, 35])[0] + demo_clock.shift()
            # Khối phố 1 of Vĩnh Điện (the demo area board) gets the houses still being built.
            area = areas[0] if vinh_dien and i < 4 else areas[rng.randrange(len(areas))]
            if vinh_dien and i < 4:
                phase = story_year + 1  # next year's phase, started early; this year's stays on schedule
            elif vinh_dien and i in (6, 7):
                phase = story_year - 1  # finished houses: their photos show the far and reused warnings
            lat = base_lat + rng.uniform(-0.006, 0.006)
            lon = base_lon + rng.uniform(-0.006, 0.006)
            # How far the house has got: 2023 all handed over; later phases spread, some late.
            if vinh_dien and i < 4:
                reached = [-1, 0, 1, 2][i]
            elif phase < story_year:
                reached = 5
            elif phase == story_year:
                reached = rng.choices([5, 4, 3, 1], [70, 15, 10, 5])[0]
            else:
                reached = rng.choices([5, 4, 3, 2, 0, -1], [40, 20, 15, 10, 8, 7])[0]
            if Household.objects.filter(code=code).exists():
                continue
            household = services.household_create(
                actor=admin,
                code=code,
                norms=norms,
                data=services.HouseholdData(
                    area=area, head_name=name, gender=gender, birth_year=rng.randint(1940, 1990),
                    citizen_id=f"0490{rng.randint(40, 90):02d}{rng.randint(0, 999999):06d}",
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    address_detail=f"Tổ {rng.randint(1, 12)}, {area.name}, {commune.title}",
                    category=category, support_kind=kind, phase_year=phase,
                    decision_number=DECISION_NUMBER, decision_date=d(2023, 12, 20),
                    lat=Decimal(f"{lat:.6f}"), lon=Decimal(f"{lon:.6f}"), photo_consent=rng.random() < 0.7,
                ),
            )  # fmt: skip
            created += 1
            if rng.random() < 0.5:
                services.funding_line_set(
                    actor=admin, household=household, source=FundingSource.FRONT_FUND,
                    amount=rng.choice([10_000_000, 15_000_000, 20_000_000]),
                )  # fmt: skip
            if rng.random() < 0.3:
                services.funding_line_set(
                    actor=admin, household=household, source=FundingSource.SPONSOR,
                    amount=rng.choice([5_000_000, 10_000_000]), note="Doanh nghiệp tài trợ (mẫu)",
                )  # fmt: skip
            if kind == SupportKind.NEW:
                services.funding_line_set(
                    actor=admin, household=household, source=FundingSource.OWN_SHARE,
                    amount=rng.choice([10_000_000, 20_000_000, 30_000_000]),
                )  # fmt: skip
            start = dt.date(phase, rng.randint(2, 6), rng.randint(1, 28))
            if vinh_dien and i < 4:
                # The area board's houses are being built now, whatever the day: started weeks before it.
                start = today - dt.timedelta(days=STAGE_DAYS[STAGES[max(reached, 0)]] + 8)
            if reached >= 0 and household.status == "approved" and happened(start - dt.timedelta(days=14)):
                services.household_mark_surveyed(actor=admin, household=household)
            reporter = board if (vinh_dien and area == areas[0] and board) else admin
            for order in range(reached + 1):
                stage = STAGES[order]
                day = start + dt.timedelta(days=STAGE_DAYS[stage] + rng.randint(0, 5))
                if not happened(day):
                    break  # not reached yet on the demo's day
                taken = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 8), rng.randint(0, 59)))
                # Photos on the start and on the latest stage keep the demo small but show the story.
                shots = []
                if order in (0, reached) and (vinh_dien or rng.random() < 0.35):
                    p_lat, p_lon = lat + rng.uniform(-0.0004, 0.0004), lon + rng.uniform(-0.0004, 0.0004)
                    if vinh_dien and i == 6 and order == reached:
                        p_lat += 0.02  # ~2 km away: shows the "far from the house" warning
                    data = _photo(rng, stage=stage, taken=taken, lat=p_lat, lon=p_lon)
                    if vinh_dien and i == 7 and order == reached and reused_photo is not None:
                        data = reused_photo  # the same image sent for two households
                    if reused_photo is None and order == reached and order >= 2:
                        reused_photo = data
                    shots.append(services.UploadedPhoto(f"IMG_{taken:%Y%m%d_%H%M}.jpg", io.BytesIO(data)))
                services.progress_record(
                    actor=reporter, household=household, stage=stage, date=day, photos=shots,
                    note="Ban Công tác Mặt trận kiểm tra tại chỗ." if order == reached else "",
                )  # fmt: skip
                updates += 1
                photos += len(shots)
    complaints = _complaints(admin, communes, today)
    return {"hộ mới": created, "cập nhật tiến độ": updates, "ảnh": photos, "đơn thư": complaints}


def _complaints(admin: User, communes: list[OrgUnit], today: dt.date) -> int:
    if Complaint.objects.exists() or len(communes) < 4:
        return 0
    by_name = {c.name: c for c in communes}
    vinh_dien = by_name.get("Vĩnh Điện", communes[0])
    dien_hong = by_name.get("Điện Hồng", communes[1])
    first_house = Household.objects.filter(area__path__startswith=vinh_dien.path).order_by("code").first()
    specs = [
        (vinh_dien, ComplaintKind.PETITION, Concerns.HOUSEHOLD, first_house, "", 40, Channel.IN_PERSON,
         "Đề nghị xem xét thêm kinh phí vì giá vật liệu tăng.", "resolved"),
        (vinh_dien, ComplaintKind.COMPLAINT, Concerns.FUND, None, "Quỹ “Vì người nghèo” phường", 50, Channel.LETTER,
         "Đề nghị công khai danh sách ủng hộ đợt tháng 5.", "open"),
        (dien_hong, ComplaintKind.PETITION, Concerns.UNIT, None, "", 20, Channel.PHONE,
         "Phản ánh việc bình xét hộ cận nghèo ở thôn chưa công khai.", "processing"),
        (communes[2], ComplaintKind.DENUNCIATION, Concerns.UNIT, None, "", 70, Channel.MAILBOX,
         "Tố cáo cán bộ thôn thu tiền của hộ được hỗ trợ (nặc danh).", "dismissed"),
        (communes[3], ComplaintKind.PETITION, Concerns.FUND, None, "Nguồn xã hội hóa", 5, Channel.ONLINE,
         "Hỏi về tiến độ giải ngân phần hỗ trợ của nhà tài trợ.", "open"),
    ]  # fmt: skip
    for unit, kind, concerns, household, fund, days_ago, channel, content, state in specs:
        complaint = services.complaint_create(
            actor=admin, unit=unit, kind=kind, concerns=concerns, household=household, fund_label=fund,
            received_on=today - dt.timedelta(days=days_ago), channel=channel,
            complainant_name="Người dân (dữ liệu mẫu)", complainant_contact="Khu dân cư trên địa bàn",
            content=content,
        )  # fmt: skip
        if state in ("resolved", "dismissed"):
            services.complaint_update(
                actor=admin, complaint=complaint, status=state,
                resolution="Đã làm việc với người gửi đơn và trả lời bằng văn bản.",
                resolved_on=complaint.received_on + dt.timedelta(days=10),
            )  # fmt: skip
        elif state == "processing":
            services.complaint_update(actor=admin, complaint=complaint, status="processing")
    # The letter received 50 days ago is past its 30 days: it moves up to the town.
    services.escalate_overdue_complaints(today)
    return len(specs)


# --- The new map (from 01/07/2025) ------------------------------------------------------------------------

CURRENT_PER_UNIT = 4
CURRENT_DECISION = "215/QĐ-UBND"  # illustrative: the city's list of the year's households
CURRENT_PROGRAMME = "Hỗ trợ nhà ở cho hộ nghèo, cận nghèo thành phố Đà Nẵng (dữ liệu mẫu)"
CURRENT_BASIS = "Nghị quyết của HĐND thành phố Đà Nẵng về hỗ trợ nhà ở (mẫu)"


def _current_norms(admin: User) -> list[SupportNorm]:
    """The city's norms, in force from the reorganisation (the province's ended with 2025)."""
    norms = []
    for kind, amount in ((SupportKind.NEW, 60_000_000), (SupportKind.REPAIR, 30_000_000)):
        norm = SupportNorm.objects.filter(kind=kind, amount=amount, legal_basis=CURRENT_BASIS).first()
        if norm is None:
            norm = services.norm_create(
                actor=admin, programme=CURRENT_PROGRAMME, kind=kind, amount=amount,
                categories=[Category.POOR, Category.NEAR_POOR, Category.POLICY], legal_basis=CURRENT_BASIS,
                valid_from=demo_clock.REORG_DAY, area_group="Thành phố Đà Nẵng",
            )  # fmt: skip
        norms.append(norm)
    return norms


def _record_stages(
    household: Household,
    *,
    reporter: User,
    after: tuple[str, dt.date] | None,
    start: dt.date,
    upto: int,
    rng: random.Random,
) -> int:
    """Record the household's stages after `after` (its latest: stage, date) up to STAGES[upto], each only once
    its day has come; a photo with the latest stage reached. Returns how many were recorded."""
    first = STAGES.index(after[0]) + 1 if after else 0
    recorded = 0
    previous_day = after[1] if after else start
    for order in range(first, upto + 1):
        stage = STAGES[order]
        day = max(start + dt.timedelta(days=STAGE_DAYS[stage] + rng.randint(0, 5)), previous_day)
        if not happened(day):
            break
        taken = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 6), rng.randint(0, 59)))
        shots = []
        if order == upto or not happened(start + dt.timedelta(days=STAGE_DAYS[STAGES[min(order + 1, 5)]] + 5)):
            lat, lon = float(household.lat or CENTRE[0]), float(household.lon or CENTRE[1])
            data = _photo(rng, stage=stage, taken=taken, lat=lat, lon=lon)
            shots.append(services.UploadedPhoto(f"IMG_{taken:%Y%m%d_%H%M}.jpg", io.BytesIO(data)))
        services.progress_record(
            actor=reporter, household=household, stage=stage, date=day, photos=shots,
            note="Ban Công tác Mặt trận kiểm tra tại chỗ." if shots else "",
        )  # fmt: skip
        previous_day = day
        recorded += 1
    return recorded


@transaction.atomic
def load_current() -> dict[str, int]:
    """On the new wards and communes: the houses left unfinished on the old units go on after 01/07/2025, and a
    few households of the current year's list (CURRENT_PER_UNIT per new unit) are built as the days come."""

    admin = User.objects.filter(username="quantri").first()
    if not demo_clock.after_reorganisation() or demo_city() is None or admin is None:
        return {}
    if Household.objects.filter(code__startswith="DN").exists():
        return {"hộ mới": 0}
    board = User.objects.get(username="khoipho1")
    communes = new_communes()
    norms = _current_norms(admin)
    rng = random.Random(SEED + demo_clock.story_year())
    updates = 0
    # 1. The houses the old units left unfinished (moved here by the reorganisation) go on being built.
    from .models import ProgressUpdate

    latest: dict[int, tuple[str, dt.date]] = {}
    for household_id, stage, day in (
        ProgressUpdate.objects.filter(household__area__parent__in=communes)
        .order_by("date", "pk")
        .values_list("household_id", "stage", "date")
    ):
        latest[household_id] = (stage, day)
    for household in Household.objects.filter(pk__in=latest).exclude(status="withdrawn").order_by("code"):
        stage, day = latest[household.pk]
        if stage == Stage.HANDED_OVER:
            continue
        resume = max(day, demo_clock.REORG_DAY) + dt.timedelta(days=7 + rng.randint(0, 20))
        start = resume - dt.timedelta(days=STAGE_DAYS[STAGES[STAGES.index(stage) + 1]])
        updates += _record_stages(household, reporter=admin, after=(stage, day), start=start, upto=5, rng=rng)

    # 2. The current year's households, approved with the year's plan.
    decided = d(2024, 3, 14)
    created = 0
    for c_index, commune in enumerate(communes):
        areas = list(OrgUnit.objects.filter(parent=commune, level=Level.AREA).order_by("path"))
        if not areas or not happened(decided):
            continue
        for i in range(CURRENT_PER_UNIT):
            name, gender = _name(rng)
            category = rng.choice([Category.POOR, Category.POOR, Category.NEAR_POOR, Category.POLICY])
            kind = SupportKind.NEW if i % 2 == 0 else SupportKind.REPAIR
            area = areas[0] if i == 0 else areas[rng.randrange(len(areas))]
            lat = CENTRE[0] + (c_index % 3 - 1) * 0.03 + rng.uniform(-0.006, 0.006)
            lon = CENTRE[1] + (c_index // 3 - 0.5) * 0.04 + rng.uniform(-0.006, 0.006)
            start = decided + dt.timedelta(days=30 + 25 * i + rng.randint(0, 10))
            upto = [5, 4, 2, 0][i]  # one handed over, one nearly done, one on its walls, one just started
            household = services.household_create(
                actor=admin, code=f"DN{c_index + 1:02d}{i + 1:02d}", norms=norms,
                data=services.HouseholdData(
                    area=area, head_name=name, gender=gender, birth_year=rng.randint(1945, 1990),
                    citizen_id=f"0480{rng.randint(40, 90):02d}{rng.randint(0, 999999):06d}",
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    address_detail=f"Tổ {rng.randint(1, 12)}, {area.name}, {commune.title}",
                    category=category, support_kind=kind, phase_year=demo_clock.story_year(),
                    decision_number=CURRENT_DECISION, decision_date=decided,
                    lat=Decimal(f"{lat:.6f}"), lon=Decimal(f"{lon:.6f}"), photo_consent=True,
                ),
            )  # fmt: skip
            created += 1
            if kind == SupportKind.NEW:
                services.funding_line_set(
                    actor=admin, household=household, source=FundingSource.FRONT_FUND, amount=15_000_000
                )
            if happened(start - dt.timedelta(days=14)):
                services.household_mark_surveyed(actor=admin, household=household)
            # Khối phố 1 of phường Điện Bàn is the demo area board's: it reports its house itself.
            reporter = board if area == areas[0] and c_index == 0 else admin
            updates += _record_stages(household, reporter=reporter, after=None, start=start, upto=upto, rng=rng)
    return {"hộ mới": created, "cập nhật tiến độ": updates}
