"""The Điện Bàn Front's movement after Plan 199/KH-MTTQ-BTT of 14/03/2024, entered in full, its dates moved
by whole years to stand around the day the demo is loaded (chungtay.core.demo_clock), with the communes at
different stages — only what would have happened by that day is recorded. Idempotent: if the plan is
already there, nothing is added.

Everything goes through the services a person would use; the evidence files are small PDFs and
PNGs generated here (they pass the same content checks as real uploads).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from chungtay.accounts.models import User
from chungtay.core import dates, demo_clock
from chungtay.core.demo_clock import at as _at
from chungtay.core.demo_clock import d as D
from chungtay.core.demo_clock import happened
from chungtay.core.models import DocumentKind
from chungtay.orgunits.demo import demo_city, demo_town, new_communes
from chungtay.orgunits.models import Level, Membership, OrgUnit

from . import services
from .models import (
    ActivityKind,
    ActivityLevel,
    CriterionKind,
    GoodModelField,
    JudgeScore,
    LegalKind,
    MilestoneKind,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
    Recurrence,
    TrainingKind,
)

SYMBOL = "199/KH-MTTQ-BTT"
THEME = (
    "Đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam các cấp, phát huy vai trò nòng cốt, "
    "tích cực tham gia hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn thị xã"
)
# The movement is the demo year's; its plan text keeps the 2024 wording, under this note.
DEMO_NOTE = (
    "Ghi chú: đây là dữ liệu mẫu. Nội dung dưới đây giữ nguyên lời văn của Kế hoạch số 199/KH-MTTQ-BTT ngày "
    "14/3/2024; các mốc thời gian của phong trào năm {year} được dời {shift} năm theo kế hoạch đó. "
    "Dữ liệu mẫu tính đến ngày {day}."
)
# On the new map the story is not moved: it stays in 2024, on the units of its day.
STORY_NOTE = (
    "Ghi chú: đây là dữ liệu mẫu theo Kế hoạch số 199/KH-MTTQ-BTT ngày 14/3/2024, giữ nguyên năm 2024 trên các "
    "đơn vị hành chính trước ngày sắp xếp 01/07/2025 (thị xã Điện Bàn, tỉnh Quảng Nam). Dữ liệu mẫu tính đến "
    "ngày {day}."
)
_NOTE_DAY = re.compile(r"Dữ liệu mẫu tính đến ngày (\d{2}/\d{2}/\d{4})")


def demo_title() -> str:
    return f"Phong trào thi đua năm {demo_clock.story_year()} (dữ liệu mẫu theo Kế hoạch 199/KH-MTTQ-BTT năm 2024)"


def recorded_day() -> dt.date | None:
    """The day the demo in the database stands on (from its note), or None if there is no demo."""
    movement = Movement.objects.filter(symbol=SYMBOL, issuing_unit__name="Điện Bàn").first()
    match = _NOTE_DAY.search(movement.content) if movement else None
    return dt.datetime.strptime(match.group(1), "%d/%m/%Y").date() if match else None


PURPOSES = """- Tiếp tục đổi mới nội dung, phương thức hoạt động của MTTQ Việt Nam các cấp trên địa bàn thị xã theo tinh thần Nghị quyết Đại hội XIII của Đảng; nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam các cấp trên địa bàn thị xã. Trong đó, chú trọng xây dựng, nâng cao chất lượng đội ngũ cán bộ MTTQ Việt Nam các cấp đáp ứng tiêu chuẩn, điều kiện theo quy định; có phẩm chất chính trị, đạo đức tốt; có năng lực lãnh đạo, có uy tín, tâm huyết, trách nhiệm và kinh nghiệm công tác theo tinh thần Nghị quyết số 43-NQ/TW.
- Phát huy vai trò nòng cốt của Ủy ban MTTQ Việt Nam thị xã và xã, phường, tích cực tham gia hỗ trợ nhà ở cho các hộ nghèo, cận nghèo trên địa bàn thị xã. Kêu gọi, vận động các cấp, các ngành, các cơ quan, tổ chức, cá nhân, các tầng lớp Nhân dân thi đua thực hiện thắng lợi mục tiêu “xóa bỏ hoàn toàn tình trạng nhà tạm, nhà dột nát cho hộ nghèo, hộ cận nghèo, người dân bị ảnh hưởng bởi thiên tai, biến đổi khí hậu” trên địa bàn thị xã theo tinh thần Nghị quyết số 42-NQ/TW, xóa nhà tạm, nhà dột nát trên địa bàn thị xã theo Nghị quyết số 13/2023/NQ-HĐND của HĐND tỉnh; hưởng ứng phong trào thi đua “Quảng Nam chung tay vì người nghèo, không để ai bị bỏ lại phía sau”.
- Tiếp tục đổi mới, nâng cao chất lượng công tác thi đua, khen thưởng, đảm bảo chính xác, công khai, minh bạch, công bằng, kịp thời. Tăng cường các hình thức học tập, trao đổi kinh nghiệm, các hội thi; định kỳ tổ chức sơ kết, tổng kết, kịp thời phát hiện, biểu dương, tôn vinh, nhân rộng các mô hình mới, cách làm hay, điển hình tiên tiến trong các phong trào thi đua, các cuộc vận động."""  # noqa: E501

REQUIREMENTS = """- Đội ngũ cán bộ, công chức của Ủy ban MTTQ Việt Nam các cấp trên địa bàn thị xã phải nêu cao trách nhiệm, quyết tâm chính trị, tinh thần tự giác, gương mẫu, phát huy tính chủ động, sáng tạo thực hiện để hoạt động của Ủy ban MTTQ Việt Nam các cấp thật sự hiệu quả, chất lượng.
- Phong trào thi đua phải được phát động, triển khai sâu rộng, tạo sự lan tỏa mạnh mẽ trong đội ngũ cán bộ, công chức, viên chức, các tầng lớp Nhân dân tham gia công tác hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn thị xã.
- Nội dung, hình thức, phương thức, biện pháp phát động, tổ chức thực hiện phong trào thi đua phải thực chất, hiệu quả, phù hợp với tình hình của địa phương; kết hợp chặt chẽ với các phong trào thi đua khác trong hệ thống Mặt trận."""  # noqa: E501

CONTENT = """Đối tượng: tập thể, các cá nhân thuộc Ủy ban MTTQ Việt Nam thị xã; các tập thể, cá nhân thuộc Ủy ban MTTQ Việt Nam các xã, phường; Ban Công tác Mặt trận 140 khu dân cư trên địa bàn thị xã.

- Kiện toàn tổ chức bộ máy của Ủy ban MTTQ Việt Nam thị xã, xã, phường theo quy định của Đảng và Nhà nước, phù hợp với chức năng, nhiệm vụ theo hướng tinh gọn, hoạt động hiệu quả. Tập trung bồi dưỡng, nâng cao năng lực công tác cho đội ngũ cán bộ chuyên trách Mặt trận các cấp và Ban Công tác Mặt trận ở khu dân cư.
- Xây dựng đội ngũ cán bộ, công chức chuyên trách Mặt trận có bản lĩnh, tâm huyết, sáng tạo, đáp ứng yêu cầu, nhiệm vụ trong giai đoạn mới. Phát huy vai trò, trách nhiệm, tính chủ động, sáng tạo của Ủy viên Ủy ban MTTQ Việt Nam các cấp, các tổ chức thành viên của MTTQ Việt Nam các cấp, góp phần nâng cao năng lực, chất lượng hoạt động của Ủy ban MTTQ Việt Nam các cấp.
- Đổi mới nội dung, phương thức hoạt động của Mặt trận Tổ quốc Việt Nam theo hướng sát cơ sở, rõ việc, cụ thể, thực chất. Kiện toàn và phát huy vai trò các ban tư vấn; đội ngũ chuyên gia, cộng tác viên nắm bắt dư luận xã hội.
- Thực hiện nghiêm kỷ cương, kỷ luật hành chính trong sinh hoạt và công tác của đội ngũ cán bộ, công chức chuyên trách Ủy ban MTTQ Việt Nam các cấp. Đẩy mạnh cải cách hành chính, xây dựng cơ quan văn hóa, đạo đức công vụ; thực hiện chuyển đổi số, triển khai rộng rãi ứng dụng công nghệ thông tin trong hệ thống Mặt trận phục vụ công tác chỉ đạo, hướng dẫn, triển khai nhiệm vụ, tổng kết, đánh giá, tổ chức các diễn đàn.
- Chủ trì và phối hợp thực hiện có hiệu quả trong công tác hỗ trợ, xóa nhà tạm, nhà dột nát cho hộ nghèo, hộ cận nghèo trên địa bàn xã, phường trong năm 2024.

Chỉ tiêu đối với Ủy ban MTTQ Việt Nam thị xã: thực hiện theo Hướng dẫn số 32/HD-MTTQ-BTT ngày 20/02/2024 của Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam.

Tổ chức thực hiện:
- Ban Thường trực Ủy ban MTTQ Việt Nam thị xã xây dựng kế hoạch và tổ chức Hội nghị phát động phong trào thi đua năm 2024; bộ phận phụ trách công tác Văn phòng giúp Ban Thường trực theo dõi, đôn đốc việc triển khai thực hiện kế hoạch; tổ chức tổng kết và bình xét, khen thưởng trong tháng 12/2024.
- Ban Thường trực Ủy ban MTTQ Việt Nam các xã, phường xây dựng kế hoạch cụ thể, tổ chức hội nghị phát động thi đua và triển khai thực hiện có hiệu quả; phối hợp với các tổ chức thành viên đẩy mạnh công tác tuyên truyền trong đoàn viên, hội viên; giới thiệu các nhân tố mới, mô hình hay, cách làm hiệu quả để nhân rộng."""  # noqa: E501

# (kind, number, date, issuer, summary) as the plan cites them (preamble and footnotes).
LEGAL = [
    (LegalKind.GUIDE, "32/HD-MTTQ-BTT", dt.date(2024, 2, 20), "Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
     "Về công tác thi đua, khen thưởng đối với Ủy ban MTTQ Việt Nam các huyện, thị xã, thành phố năm 2024."),
    (LegalKind.PROGRAMME, "", None, "Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
     "Chương trình phối hợp và thống nhất hành động của Ủy ban MTTQ Việt Nam thị xã năm 2024."),
    (LegalKind.DIRECTIVE, "01/CT-UBND", dt.date(2024, 1, 23), "UBND thị xã Điện Bàn",
     "Về phát động phong trào thi đua yêu nước năm 2024."),
    (LegalKind.RESOLUTION, "43-NQ/TW", dt.date(2023, 11, 24), "Ban Chấp hành Trung ương",
     "Về tiếp tục đổi mới nội dung, phương thức hoạt động của Mặt trận Tổ quốc Việt Nam và các đoàn thể chính "
     "trị - xã hội."),
    (LegalKind.RESOLUTION, "42-NQ/TW", dt.date(2023, 11, 24), "Ban Chấp hành Trung ương (Hội nghị lần thứ tám)",
     "Về tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội, đáp ứng yêu cầu sự nghiệp xây dựng và bảo vệ "
     "Tổ quốc trong giai đoạn mới."),
    # The plan gives this one twice with different details: "13/2023/NQ-HĐND ngày 22/9/2023" in the text,
    # "13/NQ-HĐND ngày 19/10/2023" in footnote 3. Kept as in the text; the note records the discrepancy.
    (LegalKind.RESOLUTION, "13/2023/NQ-HĐND", dt.date(2023, 9, 22), "HĐND tỉnh Quảng Nam",
     "Quy định mức hỗ trợ xóa nhà tạm, nhà dột nát trên địa bàn tỉnh Quảng Nam giai đoạn 2023 - 2025 "
     "(chú thích 3 của kế hoạch ghi “13/NQ-HĐND ngày 19/10/2023”)."),
    (LegalKind.DECISION, "8584/QĐ-UBND", dt.date(2023, 12, 20), "UBND thị xã Điện Bàn",
     "Phê duyệt danh sách hộ gia đình được hỗ trợ xóa nhà tạm, nhà dột nát trên địa bàn thị xã Điện Bàn giai "
     "đoạn 2023 - 2025 theo Nghị quyết số 13/2023/NQ-HĐND của HĐND tỉnh (phân kỳ theo năm)."),
    (LegalKind.CONCLUSION, "02/KL-MTTW-ĐCT", dt.date(2022, 1, 14), "Đoàn Chủ tịch Ủy ban Trung ương MTTQ Việt Nam",
     "Về công tác bồi dưỡng cán bộ Mặt trận theo phân cấp quản lý."),
]  # fmt: skip

R, C, B, G = CriterionKind.REVIEWED, CriterionKind.COMPUTED, CriterionKind.BONUS, CriterionKind.GROUP
MINUTES, RESOLUTION, REGULATION, PLAN, REPORT, PHOTO = (
    DocumentKind.MINUTES, DocumentKind.RESOLUTION, DocumentKind.REGULATION, DocumentKind.PLAN, DocumentKind.REPORT,
    DocumentKind.PHOTO,
)  # fmt: skip

# Section 3.2 of the plan; the points are the office's choice (the plan gives none): 100 + 5 bonus.
# (code, parent, kind, points, metric, evidence, title)
COMMUNE_CRITERIA = [
    ("3.2.1", "", G, 0, "", [], "Về đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam xã, phường"),
    ("3.2.1.a", "3.2.1", R, 15, "", [MINUTES, RESOLUTION, REGULATION],
     "Xây dựng quy chế và thực hiện nghiêm quy chế làm việc, hoạt động của Ủy ban MTTQ Việt Nam và Ban Thường trực "
     "Ủy ban MTTQ Việt Nam xã, phường nhiệm kỳ 2024 - 2029, bảo đảm đúng quy định của Điều lệ MTTQ Việt Nam (thể "
     "hiện bằng biên bản, nghị quyết...)."),
    ("3.2.1.b", "3.2.1", R, 15, "", [PLAN, MINUTES, REPORT, PHOTO],
     "Xây dựng và thực hiện kế hoạch tổ chức bồi dưỡng, tập huấn (bằng nhiều hình thức: hội nghị, tọa đàm, học tập "
     "kinh nghiệm…) nâng cao năng lực công tác cho đội ngũ cán bộ Mặt trận địa phương theo phân cấp quản lý (theo "
     "Kết luận số 02/KL-MTTW-ĐCT ngày 14/01/2022 của Đoàn Chủ tịch Ủy ban Trung ương MTTQ Việt Nam)."),
    ("3.2.1.c", "3.2.1", R, 10, "", [PLAN, REPORT],
     "Tham gia chất lượng Cuộc thi cán bộ Mặt trận cơ sở giỏi do Ban Thường trực Ủy ban MTTQ Việt Nam thị xã tổ "
     "chức (có kế hoạch riêng)."),
    ("3.2.1.d", "3.2.1", C, 10, "obligations_on_time", [REPORT],
     "Có ứng dụng mạnh mẽ công nghệ thông tin, chuyển đổi số trong hoạt động, trao đổi, xử lý công việc và trong "
     "triển khai thực hiện nhiệm vụ Mặt trận trong năm."),
    ("3.2.2", "", G, 0, "", [], "Về hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn thị xã"),
    ("3.2.2.a", "3.2.2", C, 20, "complaints_and_fund_rules", [REPORT, DocumentKind.DECISION],
     "Chủ trì và phối hợp vận động, quản lý, sử dụng có hiệu quả, đúng quy định của pháp luật đối với nguồn kinh "
     "phí vận động, hỗ trợ, xóa nhà tạm, nhà dột nát trên địa bàn xã, phường, không để khiếu nại, khiếu kiện trong "
     "Nhân dân."),
    ("3.2.2.b", "3.2.2", C, 10, "non_state_share", [REPORT],
     "Có giải pháp tốt để lồng ghép các nguồn vận động khác do Mặt trận quản lý và nguồn tài trợ vào công tác xóa "
     "nhà tạm, nhà dột nát hiệu quả nhất."),
    ("3.2.2.c", "3.2.2", C, 20, "housing_completion_vs_phase", [REPORT, PHOTO],
     "Hoàn thành tiến độ xóa nhà tạm, nhà dột nát trên địa bàn theo phân kỳ tại Quyết định số 8584/QĐ-UBND ngày "
     "20/12/2023 của UBND thị xã."),
    ("3.2.3", "", G, 0, "", [], "Điểm thưởng"),
    ("3.2.3.a", "3.2.3", B, 5, "", [REPORT, PHOTO],
     "Địa phương có mô hình hay, cách làm thiết thực, hiệu quả trong đổi mới, nâng cao năng lực hoạt động của Ủy "
     "ban MTTQ Việt Nam các cấp, phát huy vai trò nòng cốt, tích cực tham gia hỗ trợ nhà ở cho hộ nghèo, cận nghèo "
     "được ưu tiên, xem xét khen thưởng trong tổng kết phong trào thi đua."),
]  # fmt: skip

# The plan sets no criteria for residential areas; a short set the office drew from its content.
AREA_CRITERIA = [
    ("1", "", R, 30, "", [MINUTES, PHOTO],
     "Tuyên truyền, vận động Nhân dân khu dân cư hưởng ứng phong trào thi đua; tham gia bồi dưỡng do xã, phường tổ "
     "chức."),
    ("2", "", R, 40, "", [REPORT, PHOTO],
     "Nắm danh sách hộ nghèo, cận nghèo được hỗ trợ nhà ở; vận động ngày công, vật liệu, nguồn lực hỗ trợ xóa nhà "
     "tạm, nhà dột nát."),
    ("3", "", CriterionKind.YES_NO, 30, "", [MINUTES],
     "Giám sát, công khai việc hỗ trợ tại khu dân cư; không để phát sinh khiếu nại, khiếu kiện."),
    ("4", "", B, 5, "", [PHOTO], "Có cách làm hay, gương điển hình được xã, phường giới thiệu nhân rộng."),
]  # fmt: skip


# The town's own set: the province's Guidance 32/HD-MTTQ-BTT for district-level committees, which the plan
# follows for the town ("Chỉ tiêu đối với Ủy ban MTTQ Việt Nam thị xã"). Its wording here is illustrative,
# laid out as section 3.2 is; the town scores itself on it and the province's office reviews it. Its codes
# are its own (criterion sources go by code in every set of the movement).
DISTRICT_CRITERIA = [
    ("1", "", G, 0, "", [], "Về đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam cấp huyện"),
    ("1.1", "1", R, 10, "", [MINUTES, RESOLUTION, REGULATION],
     "Xây dựng và thực hiện nghiêm quy chế làm việc của Ủy ban, Ban Thường trực Ủy ban MTTQ Việt Nam cấp huyện "
     "nhiệm kỳ 2024 - 2029; hướng dẫn Ủy ban MTTQ Việt Nam các xã, phường xây dựng quy chế đúng Điều lệ MTTQ Việt "
     "Nam."),
    ("1.2", "1", R, 15, "", [PLAN, REPORT, PHOTO],
     "Tổ chức bồi dưỡng, tập huấn cho cán bộ Mặt trận xã, phường và Ban Công tác Mặt trận khu dân cư theo phân cấp "
     "quản lý (Kết luận số 02/KL-MTTW-ĐCT ngày 14/01/2022 của Đoàn Chủ tịch Ủy ban Trung ương MTTQ Việt Nam)."),
    ("1.3", "1", R, 10, "", [PLAN, REPORT],
     "Tổ chức Cuộc thi “Cán bộ Mặt trận cơ sở giỏi” cấp huyện; chọn, cử thí sinh dự thi cấp tỉnh khi có kế hoạch."),
    ("1.4", "1", R, 10, "", [REPORT],
     "Ứng dụng công nghệ thông tin, chuyển đổi số trong chỉ đạo, điều hành; gửi báo cáo định kỳ về Ban Thường trực "
     "Ủy ban MTTQ Việt Nam tỉnh đúng hạn, đủ nội dung."),
    ("2", "", G, 0, "", [], "Về hỗ trợ nhà ở cho hộ nghèo, cận nghèo"),
    ("2.1", "2", R, 15, "", [REPORT, DocumentKind.DECISION],
     "Chủ trì vận động Quỹ “Vì người nghèo” và các nguồn xã hội hóa hỗ trợ xóa nhà tạm, nhà dột nát; quản lý, sử "
     "dụng đúng quy định, công khai, minh bạch."),
    ("2.2", "2", C, 20, "housing_completion_vs_phase", [REPORT, PHOTO],
     "Hoàn thành chỉ tiêu xóa nhà tạm, nhà dột nát trên địa bàn theo phân kỳ năm (Nghị quyết số 13/2023/NQ-HĐND "
     "của HĐND tỉnh)."),
    ("2.3", "2", R, 10, "", [REPORT],
     "Phối hợp giám sát việc hỗ trợ nhà ở; giải quyết kịp thời kiến nghị của Nhân dân, không để phát sinh khiếu "
     "nại vượt cấp."),
    ("3", "", G, 0, "", [], "Về công tác thi đua, khen thưởng"),
    ("3.1", "3", R, 10, "", [PLAN, REPORT],
     "Phát động, hướng dẫn, kiểm tra phong trào thi đua ở các xã, phường; sơ kết, tổng kết, bình xét khen thưởng "
     "kịp thời, đúng quy định."),
    ("4", "", G, 0, "", [], "Điểm thưởng"),
    ("4.1", "4", B, 5, "", [REPORT, PHOTO],
     "Có mô hình hay, cách làm hiệu quả được Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh biểu dương, giới thiệu nhân "
     "rộng."),
]  # fmt: skip


def _milestones() -> list[tuple[str, int, dt.date, str, dt.date | None, str]]:
    """(kind, level, due, recurrence, until, title), in the demo's year."""
    return [
        (MilestoneKind.REGISTRATION, Level.COMMUNE, D(2024, 3, 29), Recurrence.ONCE, None, ""),
        (MilestoneKind.REGISTRATION, Level.AREA, D(2024, 4, 5), Recurrence.ONCE, None, ""),
        (MilestoneKind.REGISTRATION, Level.DISTRICT, D(2024, 3, 29), Recurrence.ONCE, None, ""),
        (MilestoneKind.OWN_PLAN, Level.COMMUNE, D(2024, 3, 31), Recurrence.ONCE, None, ""),
        (MilestoneKind.LAUNCH, Level.COMMUNE, D(2024, 4, 15), Recurrence.ONCE, None, ""),
        (MilestoneKind.LAUNCH, Level.DISTRICT, D(2024, 3, 25), Recurrence.ONCE, None, "Hội nghị phát động cấp thị xã"),
        (MilestoneKind.PROGRESS_REPORT, Level.COMMUNE, D(2024, 4, 25), Recurrence.MONTHLY, D(2024, 10, 25),
         "Báo cáo tiến độ hằng tháng"),
        (MilestoneKind.SELF_ASSESSMENT, Level.COMMUNE, D(2024, 10, 31), Recurrence.ONCE, None, ""),
        # No self-assessment milestone for the 140 areas: their boards do not score themselves (the commune
        # does, and the evaluation board says so); one would leave 140 obligations overdue for ever.
        (MilestoneKind.FINAL_REVIEW, Level.DISTRICT, D(2024, 12, 20), Recurrence.ONCE, None,
         "Tổng kết, bình xét, khen thưởng"),
    ]  # fmt: skip


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF (an image of the text): enough to pass the upload checks and open in a viewer."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    try:
        big = ImageFont.truetype(str(font_path), 20) if font_path.exists() else ImageFont.load_default(20)
        small = ImageFont.truetype(str(font_path), 14) if font_path.exists() else ImageFont.load_default(14)
    except (OSError, TypeError):  # very old Pillow without sized default fonts
        big = small = ImageFont.load_default()
    draw.text((40, 40), "ỦY BAN MTTQ VIỆT NAM — DỮ LIỆU MẪU", font=small, fill=0)
    draw.text((40, 90), title, font=big, fill=0)
    y = 140
    for line in lines:
        draw.text((40, y), line, font=small, fill=0)
        y += 24
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def demo_png(color: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((150, 150, 330, 280), fill=(245, 235, 215))  # a house
    draw.polygon([(130, 150), (240, 70), (350, 150)], fill=(160, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _commune(name: str) -> OrgUnit:
    return OrgUnit.objects.get(name=name, level=Level.COMMUNE)


@transaction.atomic
def load_demo() -> dict[str, int]:
    town = demo_town()
    if town is None:
        return {"phong trào": 0}
    existing = Movement.objects.filter(issuing_unit=town, symbol=SYMBOL).first()
    if existing is not None:
        return _counts(existing, created=0)
    office = User.objects.get(username="vanphong")
    board = User.objects.get(username="chutich")
    note = DEMO_NOTE.format(
        year=demo_clock.story_year(), shift=demo_clock.shift(), day=dates.format_date(demo_clock.demo_day())
    )
    if demo_clock.after_reorganisation():
        note = STORY_NOTE.format(day=dates.format_date(demo_clock.demo_day()))
    movement = services.movement_create(
        actor=office, issuing_unit=town, symbol=SYMBOL, issued_on=D(2024, 3, 14), title=demo_title(), theme=THEME,
        purposes=PURPOSES, requirements=REQUIREMENTS, content=f"{note}\n\n{CONTENT}", starts_on=D(2024, 3, 14),
        ends_on=D(2024, 10, 31), review_month=D(2024, 12, 1), registration_deadline=D(2024, 3, 29),
        signer="Phan Ngọc Hải, Chủ tịch (TM. Ban Thường trực)",
    )  # fmt: skip
    services.movement_attach_plan(
        actor=office, movement=movement, name="199-KH-MTTQ-BTT.pdf",
        upload=io.BytesIO(demo_pdf("KẾ HOẠCH số 199/KH-MTTQ-BTT", [
            "Điện Bàn, ngày 14 tháng 3 năm 2024", "Phát động phong trào thi đua năm 2024",
            "(bản mẫu của dữ liệu thử — không phải bản chính)",
        ])),
    )  # fmt: skip
    for legal_kind, number, issued_on, issuer, summary in LEGAL:
        services.legal_reference_add(
            actor=office, movement=movement, kind=legal_kind, number=number, issued_on=issued_on, issuer=issuer,
            summary=summary,
        )  # fmt: skip
    for level, rows in (
        (Level.DISTRICT, DISTRICT_CRITERIA),
        (Level.COMMUNE, COMMUNE_CRITERIA),
        (Level.AREA, AREA_CRITERIA),
    ):
        for code, parent, criterion_kind, points, metric, evidence, text in rows:
            services.criterion_add(
                actor=office, movement=movement, level=level, code=code, parent_code=parent, kind=criterion_kind,
                max_points=Decimal(points), metric_key=metric, evidence_kinds=list(evidence), title=text,
            )  # fmt: skip
    for level in (Level.DISTRICT, Level.COMMUNE, Level.AREA):
        services.participants_add_level(actor=office, movement=movement, level=level)
    for kind, milestone_level, due, recurrence, until, text in _milestones():
        services.milestone_add(
            actor=office, movement=movement, kind=kind, level=milestone_level, due_on=due, recurrence=recurrence,
            until=until, title=text,
        )  # fmt: skip
    services.movement_launch(actor=office, movement=movement)
    movement.refresh_from_db()
    movement.launched_at = _at(D(2024, 3, 14), 8)
    movement.save(update_fields=["launched_at"])
    # Under way from the town's launch conference; being evaluated once the period is over.
    if happened(D(2024, 3, 25)):
        services.movement_transition(actor=office, movement=movement, to=MovementStatus.UNDER_WAY)
    _stages(movement, office, board)
    if movement.ends_on < demo_clock.story_day():
        services.movement_transition(actor=office, movement=movement, to=MovementStatus.EVALUATING)
    return _counts(movement, created=1)


def _part(movement: Movement, unit: OrgUnit) -> Participation:
    return Participation.objects.select_related("movement", "unit").get(movement=movement, unit=unit)


def _stages(movement: Movement, office: User, board: User) -> None:
    """Vĩnh Điện does everything on time, Điện Hồng half and late, Điện An stops reporting in the summer, Điện
    Ngọc is late; the other communes and their areas register around the deadline, send their plans, hold their
    launch conferences and report monthly, a few late. Each step is recorded only once its day has come."""
    vinh_dien_user = User.objects.get(username="vinhdien")
    dien_hong_user = User.objects.get(username="dienhong")
    vinh_dien, dien_hong = _commune("Vĩnh Điện"), _commune("Điện Hồng")
    town = movement.issuing_unit

    # The town: registers itself and holds the launch conference of 25/03.
    p = _part(movement, town)
    if happened(D(2024, 3, 20)):
        services.participation_register(
            actor=office, participation=p, now=_at(D(2024, 3, 20)),
            commitments="Tổ chức Hội nghị phát động, theo dõi, đôn đốc và tổng kết phong trào theo kế hoạch.",
        )  # fmt: skip
    if happened(D(2024, 3, 25)):
        services.activity_record(
            actor=office, participation=p, kind=ActivityKind.LAUNCH_CONFERENCE,
            title="Hội nghị phát động phong trào thi đua cấp thị xã", held_on=D(2024, 3, 25),
            place="Hội trường Ủy ban MTTQ Việt Nam thị xã", attendance=120, level=ActivityLevel.DISTRICT,
        )  # fmt: skip
        _backdate(movement, town, MilestoneKind.LAUNCH, D(2024, 3, 25))

    # Vĩnh Điện: registered on time, plan, launch with minutes, training, regulation, IT, reports, a good model.
    p = _part(movement, vinh_dien)
    if happened(D(2024, 3, 22)):
        services.participation_register(
            actor=vinh_dien_user, participation=p, now=_at(D(2024, 3, 22)),
            commitments="- Ban hành quy chế làm việc nhiệm kỳ 2024 - 2029 trong quý II.\n"
            "- Tổ chức 02 lớp bồi dưỡng cho Ban Công tác Mặt trận 7 khối phố.\n"
            f"- Hoàn thành 100% nhà theo phân kỳ năm {demo_clock.story_year()} trước {D(2024, 9, 30):%d/%m/%Y}.\n"
            "- Cử 01 cán bộ dự thi “Cán bộ Mặt trận cơ sở giỏi”.",
            individuals="Nguyễn Thị Thu Trang — Phó Chủ tịch\nTrần Văn Bình — Ủy viên Ban Thường trực",
        )  # fmt: skip
    if happened(D(2024, 3, 25)):
        services.own_plan_upload(
            actor=vinh_dien_user, participation=p, name="ke-hoach-vinh-dien.pdf",
            title=f"Kế hoạch thực hiện phong trào thi đua năm {demo_clock.story_year()}", number="15/KH-MTTQ",
            issued_on=D(2024, 3, 25),
            upload=io.BytesIO(demo_pdf("KẾ HOẠCH số 15/KH-MTTQ", [f"Phường Vĩnh Điện, {D(2024, 3, 25):%d/%m/%Y}"])),
        )  # fmt: skip
        _backdate(movement, vinh_dien, MilestoneKind.OWN_PLAN, D(2024, 3, 25))
    if happened(D(2024, 4, 8)):
        services.activity_record(
            actor=vinh_dien_user, participation=p, kind=ActivityKind.LAUNCH_CONFERENCE,
            title=f"Hội nghị phát động phong trào thi đua năm {demo_clock.story_year()}", held_on=D(2024, 4, 8),
            place="Hội trường UBND phường", attendance=86,
            participants="Ủy viên Ủy ban MTTQ phường, trưởng các tổ chức thành viên, Ban Công tác Mặt trận 7 khối phố",
            level=ActivityLevel.COMMUNE,
            upload=io.BytesIO(demo_pdf("BIÊN BẢN HỘI NGHỊ PHÁT ĐỘNG", [f"{D(2024, 4, 8):%d/%m/%Y}", "86 đại biểu"])),
            file_name="bien-ban-phat-dong.pdf", document_kind=MINUTES, document_title="Biên bản hội nghị phát động",
        )  # fmt: skip
        _backdate(movement, vinh_dien, MilestoneKind.LAUNCH, D(2024, 4, 8))
    crit = {c.code: c for c in services.latest_set(movement, Level.COMMUNE).criteria.all()}  # type: ignore[union-attr]
    if happened(D(2024, 5, 17)):
        services.activity_record(
            actor=vinh_dien_user, participation=p, kind=ActivityKind.TRAINING, training_kind=TrainingKind.SEMINAR,
            title="Tọa đàm nâng cao kỹ năng vận động Nhân dân cho Ban Công tác Mặt trận", held_on=D(2024, 5, 17),
            place="Nhà văn hóa khối phố 3", attendance=42, level=ActivityLevel.AREA,
            upload=io.BytesIO(demo_pdf("BÁO CÁO KẾT QUẢ TỌA ĐÀM", [f"Ngày {D(2024, 5, 17):%d/%m/%Y}"])),
            file_name="bao-cao-toa-dam.pdf", document_kind=REPORT, criteria=[crit["3.2.1.b"]],
        )  # fmt: skip
    if happened(D(2024, 6, 5)):
        services.activity_record(
            actor=vinh_dien_user, participation=p, kind=ActivityKind.REGULATION,
            title="Quy chế làm việc của Ủy ban MTTQ Việt Nam phường nhiệm kỳ 2024 - 2029", held_on=D(2024, 6, 5),
            upload=io.BytesIO(demo_pdf("NGHỊ QUYẾT BAN HÀNH QUY CHẾ", ["Nhiệm kỳ 2024 - 2029"])),
            file_name="nghi-quyet-quy-che.pdf", document_kind=RESOLUTION, criteria=[crit["3.2.1.a"]],
        )  # fmt: skip
    if happened(D(2024, 4, 20)):
        services.activity_record(
            actor=vinh_dien_user, participation=p, kind=ActivityKind.IT_MEASURE,
            title="Lập nhóm Zalo điều hành với 7 Ban Công tác Mặt trận; nộp báo cáo qua hệ thống",
            held_on=D(2024, 4, 20), note="Toàn bộ văn bản chỉ đạo gửi qua nhóm; báo cáo tháng nộp trên Chung Tay.",
        )  # fmt: skip
    for month in range(4, 11):
        if not happened(D(2024, month, 24)):
            break
        label = f"{month}/{demo_clock.story_year()}"
        services.report_submit(
            actor=vinh_dien_user, participation=p, kind=MilestoneKind.PROGRESS_REPORT,
            name=f"bao-cao-thang-{month}.pdf", title=f"Báo cáo tiến độ tháng {label}",
            issued_on=D(2024, month, 24), upload=io.BytesIO(demo_pdf(f"BÁO CÁO THÁNG {label}", [])),
        )  # fmt: skip
        _backdate(movement, vinh_dien, MilestoneKind.PROGRESS_REPORT, D(2024, month, 24), due=D(2024, month, 25))
    if happened(D(2024, 7, 15)):
        model = services.good_model_propose(
            actor=vinh_dien_user, participation=p, field=GoodModelField.HOUSING,
            title="“Ngày công thiện nguyện” dựng nhà cho hộ nghèo",
            description="Mỗi khối phố lập tổ thợ thiện nguyện; đoàn viên, hội viên góp ngày công, vật liệu.\n"
            "- Giảm 15–20% chi phí mỗi căn nhà.\n- 12 căn hoàn thành trước phân kỳ.",
            photo=io.BytesIO(demo_png((120, 170, 210))), photo_name="ngay-cong.png",
        )  # fmt: skip
        services.good_model_decide(actor=board, good_model=model, recognise=True, note="Đề nghị nhân rộng toàn thị xã.")
        # Proposed and recognised inside the movement: the 3.2.3 bonus counts the models recognised by its end.
        type(model).objects.filter(pk=model.pk).update(
            proposed_at=_at(D(2024, 7, 15), 10), decided_at=_at(D(2024, 7, 25), 10)
        )
        if happened(D(2024, 8, 1)):
            services.good_model_replicate(
                actor=office, good_model=model, unit=dien_hong, since=D(2024, 8, 1), note="Áp dụng tại 3 thôn"
            )

    # Điện Hồng: registered, launch held late without minutes yet, its first report late.
    p = _part(movement, dien_hong)
    if happened(D(2024, 3, 28)):
        services.participation_register(
            actor=dien_hong_user, participation=p, now=_at(D(2024, 3, 28)),
            commitments="- Hoàn thành nhà theo phân kỳ.\n- Tổ chức hội nghị phát động trong tháng 4.",
        )  # fmt: skip
    if happened(D(2024, 4, 26)):
        services.activity_record(
            actor=dien_hong_user, participation=p, kind=ActivityKind.LAUNCH_CONFERENCE,
            title="Hội nghị phát động thi đua", held_on=D(2024, 4, 26), place="Hội trường UBND xã", attendance=54,
        )  # fmt: skip
        _backdate(movement, dien_hong, MilestoneKind.LAUNCH, D(2024, 4, 26))
    if happened(D(2024, 5, 2)):
        label = f"4/{demo_clock.story_year()}"
        services.report_submit(
            actor=dien_hong_user, participation=p, kind=MilestoneKind.PROGRESS_REPORT, name="bao-cao-thang-4.pdf",
            title=f"Báo cáo tiến độ tháng {label}", upload=io.BytesIO(demo_pdf(f"BÁO CÁO THÁNG {label}", [])),
        )  # fmt: skip
        _backdate(movement, dien_hong, MilestoneKind.PROGRESS_REPORT, D(2024, 5, 2), due=D(2024, 4, 25))

    # Điện An registered on time; Điện Ngọc after the deadline (flagged); the others around the deadline,
    # two of them late — every commune that will assess itself has registered first.
    others = OrgUnit.objects.filter(parent=town, level=Level.COMMUNE).exclude(
        name__in=["Vĩnh Điện", "Điện Hồng", "Điện An", "Điện Ngọc"]
    )
    days = {"Điện An": D(2024, 3, 27), "Điện Ngọc": D(2024, 4, 10)}
    for n, unit in enumerate(others.order_by("path")):
        days[unit.name] = D(2024, 4, 2) + dt.timedelta(days=n) if n in (5, 11) else D(2024, 3, 20) + dt.timedelta(n % 9)
    for name, day in days.items():
        if happened(day):
            services.participation_register(
                actor=office, participation=_part(movement, _commune(name)), now=_at(day),
                commitments="Đăng ký thi đua theo các chỉ tiêu của Kế hoạch 199/KH-MTTQ-BTT.",
            )  # fmt: skip
    # The residential areas register through their commune in the week after it — all but Khối phố 7 of Điện
    # Ngọc, late itself: its registration stays overdue (so the demo has something overdue on any day after
    # the areas' deadline, not only once the monthly reports stop).
    registered = dict(
        Participation.objects.filter(movement=movement, level=Level.COMMUNE, registered_at__isnull=False).values_list(
            "unit_id", "registered_at"
        )
    )
    areas = Participation.objects.filter(movement=movement, level=Level.AREA).select_related("movement", "unit")
    silent = _commune("Điện Ngọc").pk
    for area in areas.order_by("unit__path"):
        if area.unit.parent_id == silent and area.unit.name.endswith("7"):
            continue
        commune_day = registered.get(area.unit.parent_id)
        area_day = commune_day and timezone.localdate(commune_day) + dt.timedelta(days=1 + int(area.unit.name[-1]) % 7)
        if area_day and happened(area_day):
            services.participation_register(
                actor=office, participation=area, now=_at(area_day, 14),
                commitments="Ban Công tác Mặt trận đăng ký thi đua theo bộ tiêu chí khu dân cư.",
            )  # fmt: skip

    # Their own plans, launch conferences and monthly reports: most on time, a few late; Điện Hồng stops
    # reporting after July, Điện An after July, Điện Ngọc after August and the two late registrants in the
    # autumn — those reports stay overdue.
    pdfs: dict[str, bytes] = {}
    _routine(movement, dien_hong, dien_hong_user, plan=D(2024, 4, 5), launch=None, reports=[-3, -4, 4], pdfs=pdfs)
    _routine(
        movement, _commune("Điện An"), office, plan=D(2024, 3, 29), launch=D(2024, 4, 12), reports=[-2, -5, -1, -3],
        pdfs=pdfs,
    )  # fmt: skip
    _routine(
        movement, _commune("Điện Ngọc"), office, plan=D(2024, 4, 15), launch=D(2024, 4, 24),
        reports=[4, -3, -2, -4, -1], pdfs=pdfs,
    )  # fmt: skip
    for n, unit in enumerate(others.order_by("path")):
        sent = {5: 6, 11: 5}.get(n, 7)
        _routine(
            movement, unit, office, plan=days[unit.name] + dt.timedelta(days=3),
            launch=days[unit.name] + dt.timedelta(days=14 + n % 4),
            reports=[3 if (n + i) % 7 == 3 else -(1 + (n + i) % 5) for i in range(sent)], pdfs=pdfs,
        )  # fmt: skip

    if happened(D(2024, 7, 1)):
        contest = services.contest_create(
            actor=office, movement=movement,
            title=f"Cuộc thi “Cán bộ Mặt trận cơ sở giỏi” năm {demo_clock.story_year()}",
            description="Mỗi xã, phường cử 01 cán bộ dự thi. Vòng sơ khảo: bài viết; vòng chung khảo: thuyết trình, "
            "xử lý tình huống.",
        )  # fmt: skip
        rounds = [
            services.round_add(actor=office, contest=contest, name="Vòng sơ khảo", held_on=D(2024, 8, 20)),
            services.round_add(actor=office, contest=contest, name="Vòng chung khảo", held_on=D(2024, 9, 27)),
        ]
        communes = list(OrgUnit.objects.filter(parent=town, level=Level.COMMUNE).order_by("path"))
        entrants = [
            services.entrant_add(actor=office, contest=contest, unit=unit, person_name=CONTEST_ENTRANTS[unit.name][0],
                                 position=CONTEST_ENTRANTS[unit.name][1])
            for unit in communes if unit.name in CONTEST_ENTRANTS
        ]  # fmt: skip
        # Both judges mark every entrant in each round, on its day; criterion 3.2.1c takes its points from
        # these results (the evaluation demo sets its source), as of the day they were marked.
        for number, contest_round in enumerate(rounds):
            if contest_round.held_on is None or not happened(contest_round.held_on):
                break
            for judge_number, judge in enumerate((office, board)):
                services.judge_scores_record(
                    actor=judge, contest_round=contest_round,
                    scores={e.pk: _contest_mark(i, number, judge_number) for i, e in enumerate(entrants)},
                )  # fmt: skip
            JudgeScore.objects.filter(round=contest_round).update(scored_at=_at(contest_round.held_on, 16))

    # The town's final review (tổng kết) conference, once its day has come.
    if happened(D(2024, 12, 20)):
        services.report_submit(
            actor=office, participation=_part(movement, town), kind=MilestoneKind.FINAL_REVIEW,
            name="bao-cao-tong-ket.pdf", title=f"Báo cáo tổng kết phong trào thi đua năm {demo_clock.story_year()}",
            issued_on=D(2024, 12, 20), upload=io.BytesIO(demo_pdf("BÁO CÁO TỔNG KẾT", [])),
        )  # fmt: skip
        _backdate(movement, town, MilestoneKind.FINAL_REVIEW, D(2024, 12, 20))


# One cadre of each commune and ward sits the contest "Cán bộ Mặt trận cơ sở giỏi" (fictional people).
CONTEST_ENTRANTS = {
    "Vĩnh Điện": ("Trần Văn Bình", "Ủy viên Ban Thường trực"),
    "Điện An": ("Hồ Văn Tâm", "Phó Chủ tịch"),
    "Điện Ngọc": ("Nguyễn Thị Hồng Nhung", "Cán bộ Mặt trận phường"),
    "Điện Nam Bắc": ("Phan Văn Hùng", "Phó Chủ tịch"),
    "Điện Nam Trung": ("Võ Thị Thanh Hà", "Cán bộ Mặt trận phường"),
    "Điện Nam Đông": ("Lê Văn Phúc", "Ủy viên Ban Thường trực"),
    "Điện Dương": ("Đặng Thị Kim Liên", "Phó Chủ tịch"),
    "Điện Thắng Bắc": ("Huỳnh Văn Sơn", "Cán bộ Mặt trận phường"),
    "Điện Thắng Trung": ("Ngô Thị Diệu Linh", "Cán bộ Mặt trận phường"),
    "Điện Thắng Nam": ("Trương Văn Quý", "Phó Chủ tịch"),
    "Điện Minh": ("Bùi Thị Ngọc Hân", "Ủy viên Ban Thường trực"),
    "Điện Phương": ("Dương Văn Khoa", "Cán bộ Mặt trận phường"),
    "Điện Hồng": ("Lê Thị Mỹ Duyên", "Cán bộ Mặt trận xã"),
    "Điện Tiến": ("Phạm Văn Đức", "Phó Chủ tịch"),
    "Điện Thọ": ("Nguyễn Thị Thu Hiền", "Cán bộ Mặt trận xã"),
    "Điện Phước": ("Đỗ Văn Lợi", "Cán bộ Mặt trận xã"),
    "Điện Hòa": ("Mai Thị Ánh Tuyết", "Phó Chủ tịch"),
    "Điện Quang": ("Hoàng Văn Nam", "Cán bộ Mặt trận xã"),
    "Điện Trung": ("Lý Thị Hoa", "Ủy viên Ban Thường trực"),
    "Điện Phong": ("Châu Văn Tài", "Cán bộ Mặt trận xã"),
}


def _contest_mark(index: int, contest_round: int, judge: int) -> Decimal:
    """A judge's mark (out of 100) for the entrant of the index-th commune in tree order: from 95 down to
    about 57 across the communes, a point or two apart between judges and rounds."""
    base = 95 - 2 * index
    return Decimal(min(100, base + (index + contest_round) % 3 - judge * (index % 2) - contest_round))


def _backdate(movement: Movement, unit: OrgUnit, kind: str, day: dt.date, *, due: dt.date | None = None) -> None:
    """The demo is entered today but tells 2024's story: put the fulfilment on the day it happened."""
    qs = Obligation.objects.filter(milestone__movement=movement, unit=unit, milestone__kind=kind)
    if due:
        qs = qs.filter(due_on=due)
    qs.exclude(fulfilled_at__isnull=True).update(fulfilled_at=_at(day, 15))


def _routine(
    movement: Movement,
    unit: OrgUnit,
    actor: User,
    *,
    plan: dt.date | None,
    launch: dt.date | None,
    reports: list[int],
    pdfs: dict[str, bytes],
) -> None:
    """A registered unit's own plan, launch conference (with its minutes) and monthly reports, each once its day
    has come. `reports`: for each monthly report the unit sends, in order, its day counted from that report's
    due day (−3: three days early; 4: four days late); the reports after the last it sends stay overdue."""
    p = _part(movement, unit)
    if p.registered_at is None:
        return
    year = demo_clock.story_year()

    def pdf(title: str) -> io.BytesIO:  # one drawn file per kind: the same page serves every unit
        if title not in pdfs:
            pdfs[title] = demo_pdf(title, ["(bản mẫu của dữ liệu thử)"])
        return io.BytesIO(pdfs[title])

    if plan is not None and happened(plan):
        services.own_plan_upload(
            actor=actor, participation=p, name="ke-hoach.pdf",
            title=f"Kế hoạch thực hiện phong trào thi đua năm {year}", number=f"{unit.pk % 40 + 3:02d}/KH-MTTQ",
            issued_on=plan, upload=pdf("KẾ HOẠCH THỰC HIỆN PHONG TRÀO"),
        )  # fmt: skip
        _backdate(movement, unit, MilestoneKind.OWN_PLAN, plan)
    if launch is not None and happened(launch):
        services.activity_record(
            actor=actor, participation=p, kind=ActivityKind.LAUNCH_CONFERENCE,
            title=f"Hội nghị phát động phong trào thi đua năm {year}", held_on=launch,
            place=f"Hội trường {unit.title}", attendance=40 + unit.pk % 50, level=ActivityLevel.COMMUNE,
            upload=pdf("BIÊN BẢN HỘI NGHỊ PHÁT ĐỘNG"), file_name="bien-ban-phat-dong.pdf", document_kind=MINUTES,
            document_title="Biên bản hội nghị phát động",
        )  # fmt: skip
        _backdate(movement, unit, MilestoneKind.LAUNCH, launch)
    due = Obligation.objects.filter(
        milestone__movement=movement, unit=unit, milestone__kind=MilestoneKind.PROGRESS_REPORT, fulfilled_at=None
    ).order_by("due_on", "pk")
    for obligation, offset in zip(list(due), reports, strict=False):
        day = obligation.due_on + dt.timedelta(days=offset)
        if not happened(day):
            break
        month = f"{obligation.due_on.month}/{obligation.due_on.year}"
        done = services.report_submit(
            actor=actor, participation=p, kind=MilestoneKind.PROGRESS_REPORT, name="bao-cao-thang.pdf",
            title=f"Báo cáo tiến độ tháng {month}", issued_on=day, upload=pdf("BÁO CÁO TIẾN ĐỘ HẰNG THÁNG"),
        )  # fmt: skip
        Obligation.objects.filter(pk=done.pk).update(fulfilled_at=_at(day, 15))


def _counts(movement: Movement, *, created: int) -> dict[str, int]:
    return {
        "phong trào mới": created,
        "đơn vị tham gia": movement.participations.count(),
        "việc phải làm": Obligation.objects.filter(milestone__movement=movement).count(),
        "hoạt động": movement.activities.count(),
    }


# --- The current movement on the new map (from 01/07/2025) -----------------------------------------------

CURRENT_SYMBOL = "12/KH-MTTQ-BTT"  # illustrative number
CURRENT_NOTE = (
    "Ghi chú: đây là dữ liệu mẫu. Phong trào năm {year} của Ủy ban MTTQ Việt Nam thành phố Đà Nẵng trên địa bàn "
    "các phường, xã mới của Điện Bàn sau sắp xếp đơn vị hành chính ngày 01/07/2025 (tên phường, xã là tên thật, "
    "thành phần các phường, xã cũ nhập vào là minh họa). Các mốc thời gian theo Kế hoạch 199/KH-MTTQ-BTT năm "
    "2024, dời sang năm {year}; phong trào năm 2024 giữ nguyên trên các đơn vị cũ. Dữ liệu mẫu tính đến ngày {day}."
)
CURRENT_CONTENT = """Đối tượng: Ủy ban MTTQ Việt Nam các phường, xã mới (Điện Bàn, Điện Bàn Đông, An Thắng, Điện Bàn Bắc, Điện Bàn Tây, Gò Nổi) và Ban Công tác Mặt trận các khu dân cư.

- Ổn định tổ chức bộ máy Ủy ban MTTQ Việt Nam các phường, xã sau sắp xếp; các tổ chức chính trị - xã hội trực thuộc Mặt trận; bàn giao đầy đủ hồ sơ, quỹ, danh sách hộ được hỗ trợ từ các đơn vị cũ.
- Tiếp tục hỗ trợ xóa nhà tạm, nhà dột nát cho hộ nghèo, hộ cận nghèo trên địa bàn; hoàn thành các căn nhà dở dang của phân kỳ trước.
- Ban Thường trực các phường, xã tổ chức tổng kết phong trào ở đơn vị mình trước ngày 15/12; thành phố tổng kết, bình xét, khen thưởng sau đó."""  # noqa: E501
# (new unit's position in the mapping, registration day in the story, late?) — all six register.
CURRENT_REGISTRATIONS = [(0, (3, 20)), (1, (3, 22)), (2, (3, 25)), (3, (3, 27)), (4, (3, 21)), (5, (4, 3))]
# The demo officers' new units (vinhdien's and dienhong's): they do most of the work.
CURRENT_ACTIVE = ("Điện Bàn", "Điện Bàn Tây")


# The 2024 criteria name the town ("thị xã"); on the new map the wards and communes are under the city.
CURRENT_TITLES = {
    "3.2.1.c": "Tham gia chất lượng Cuộc thi cán bộ Mặt trận cơ sở giỏi do Ban Thường trực Ủy ban MTTQ Việt Nam thành "
    "phố tổ chức (có kế hoạch riêng).",
    "3.2.2": "Về hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn phường, xã",
    "3.2.2.c": "Hoàn thành tiến độ xóa nhà tạm, nhà dột nát trên địa bàn theo phân kỳ được phê duyệt, gồm các căn "
    "của phường, xã cũ chuyển sang sau sắp xếp đơn vị hành chính.",
}


def _on_new_map(text: str) -> str:
    """The plan's purposes and requirements, said of the city instead of the town."""
    return text.replace("thị xã", "thành phố")


def current_title() -> str:
    return f"Phong trào thi đua năm {demo_clock.story_year()} trên địa bàn các phường, xã mới (dữ liệu mẫu)"


def current_movement() -> Movement | None:
    """The movement the demo runs on the new map (None before the reorganisation)."""
    city = demo_city()
    return Movement.objects.filter(issuing_unit=city, symbol=CURRENT_SYMBOL).first() if city else None


def _current_milestones() -> list[tuple[str, int, dt.date, str, dt.date | None, str]]:
    """The 2024 plan's milestones for the wards, communes and areas, in the current year; the city is not a
    participant (participants are district, commune or area units), so each ward and commune holds its own
    final review before the city's (due 15/12: open, not yet overdue, in early December)."""
    rows = [m for m in _milestones() if m[1] != Level.DISTRICT]
    rows.append(
        (MilestoneKind.FINAL_REVIEW, Level.COMMUNE, D(2024, 12, 15), Recurrence.ONCE, None, "Tổng kết ở phường, xã")
    )
    return rows


@transaction.atomic
def load_current() -> dict[str, int]:
    """The current year's movement (the previous year's before 14/03) of Đà Nẵng city's Front on the new wards
    and communes, standing around the demo's day: registrations, plans, launch conferences and monthly reports
    of phường Điện Bàn and xã Điện Bàn Tây (the demo officers' new units), the others registering only."""
    city = demo_city()
    if not demo_clock.after_reorganisation() or city is None:
        return {}
    existing = current_movement()
    if existing is not None:
        return _counts(existing, created=0)
    if not happened(D(2024, 3, 14)):
        return {"phong trào mới": 0}  # the year's plan is not out yet (two weeks after the reorganisation)
    office = User.objects.get(username="vanphong")
    communes = new_communes()
    year, day = demo_clock.story_year(), dates.format_date(demo_clock.demo_day())
    movement = services.movement_create(
        actor=office, issuing_unit=city, symbol=CURRENT_SYMBOL, issued_on=D(2024, 3, 14), title=current_title(),
        theme="Chung tay xóa nhà tạm, nhà dột nát; ổn định tổ chức Mặt trận các phường, xã sau sắp xếp",
        purposes=_on_new_map(PURPOSES), requirements=_on_new_map(REQUIREMENTS),
        content=f"{CURRENT_NOTE.format(year=year, day=day)}\n\n{CURRENT_CONTENT}",
        starts_on=D(2024, 3, 14), ends_on=D(2024, 10, 31), review_month=D(2024, 12, 1),
        registration_deadline=D(2024, 3, 29), signer="TM. Ban Thường trực (dữ liệu mẫu)",
    )  # fmt: skip
    services.movement_attach_plan(
        actor=office, movement=movement, name=f"{CURRENT_SYMBOL.replace('/', '-')}.pdf",
        upload=io.BytesIO(demo_pdf(f"KẾ HOẠCH số {CURRENT_SYMBOL}", [
            f"Đà Nẵng, ngày {D(2024, 3, 14):%d/%m/%Y}", f"Phát động phong trào thi đua năm {year}",
            "(bản mẫu của dữ liệu thử — không phải bản chính)",
        ])),
    )  # fmt: skip
    for level, rows in ((Level.COMMUNE, COMMUNE_CRITERIA), (Level.AREA, AREA_CRITERIA)):
        for code, parent, criterion_kind, points, metric, evidence, text in rows:
            services.criterion_add(
                actor=office, movement=movement, level=level, code=code, parent_code=parent, kind=criterion_kind,
                max_points=Decimal(points), metric_key=metric, evidence_kinds=list(evidence),
                title=CURRENT_TITLES.get(code, text),
            )  # fmt: skip
    for level in (Level.COMMUNE, Level.AREA):
        services.participants_add_level(actor=office, movement=movement, level=level)
    for kind, milestone_level, due, recurrence, until, text in _current_milestones():
        services.milestone_add(
            actor=office, movement=movement, kind=kind, level=milestone_level, due_on=due, recurrence=recurrence,
            until=until, title=text,
        )  # fmt: skip
    services.movement_launch(actor=office, movement=movement)
    Movement.objects.filter(pk=movement.pk).update(launched_at=_at(D(2024, 3, 14), 8))
    movement.refresh_from_db()
    if happened(D(2024, 3, 25)):
        services.movement_transition(actor=office, movement=movement, to=MovementStatus.UNDER_WAY)
    _current_stages(movement, office, communes)
    if movement.ends_on < demo_clock.story_day():
        services.movement_transition(actor=office, movement=movement, to=MovementStatus.EVALUATING)
    return _counts(movement, created=1)


def _current_stages(movement: Movement, office: User, communes: list[OrgUnit]) -> None:
    """What the new units have done by the demo's day; each step only once its day has come."""
    staff = {u.pk: u for u in User.objects.filter(username__in=["vinhdien", "dienhong"])}
    by_user = {
        m.unit_id: staff[m.user_id]
        for m in Membership.objects.filter(user__in=staff.values(), unit__in=communes).select_related("unit")
    }
    for index, (month, day) in CURRENT_REGISTRATIONS:
        if index >= len(communes) or not happened(D(2024, month, day)):
            continue
        unit = communes[index]
        services.participation_register(
            actor=by_user.get(unit.pk, office), participation=_part(movement, unit), now=_at(D(2024, month, day)),
            commitments="- Ổn định tổ chức Mặt trận sau sắp xếp trong quý II.\n"
            "- Hoàn thành các căn nhà của phân kỳ năm nay và các căn dở dang của đơn vị cũ.",
        )  # fmt: skip
    # The areas register in the week after their ward or commune; those of the last one to register, late
    # itself, mostly late too, and two of them not yet (their registrations are overdue).
    registered = dict(
        Participation.objects.filter(movement=movement, level=Level.COMMUNE, registered_at__isnull=False).values_list(
            "unit_id", "registered_at"
        )
    )
    for area in (
        Participation.objects.filter(movement=movement, level=Level.AREA, unit__parent__in=communes)
        .select_related("movement", "unit")
        .order_by("unit__path")
    ):
        if area.unit.parent_id == communes[-1].pk and area.unit.name in ("Thôn 6", "Thôn 7"):
            continue
        commune_day = registered.get(area.unit.parent_id)
        area_day = commune_day and timezone.localdate(commune_day) + dt.timedelta(days=2 + area.unit.pk % 5)
        if area_day and happened(area_day):
            services.participation_register(
                actor=office, participation=area, now=_at(area_day, 14),
                commitments="Ban Công tác Mặt trận đăng ký thi đua theo bộ tiêu chí khu dân cư.",
            )  # fmt: skip
    # Each ward and commune sends its plan a few days after registering, holds its launch conference within
    # about two weeks and reports monthly: phường Điện Bàn always on time, xã Điện Bàn Tây until August (then
    # overdue), the others mostly on time with a late one here and there; Gò Nổi, registered late, is late
    # with its plan and launch and has not sent October's report.
    pdfs: dict[str, bytes] = {}
    for index, unit in enumerate(communes):
        p = _part(movement, unit)
        if p.registered_at is None:
            continue
        registered_on = timezone.localdate(p.registered_at)
        if unit.name == CURRENT_ACTIVE[0]:
            reports = [-2] * 7
        elif unit.name == CURRENT_ACTIVE[1]:
            reports = [-1, -3, -2, -2, -1]
        else:
            reports = [4 if (index + i) % 5 == 2 else -(1 + (index + i) % 4) for i in range(7 if index < 5 else 6)]
        _routine(
            movement, unit, by_user.get(unit.pk, office), plan=registered_on + dt.timedelta(days=4 + index % 3),
            launch=registered_on + dt.timedelta(days=14 + index % 3), reports=reports, pdfs=pdfs,
        )  # fmt: skip
    # Phường Điện Bàn's good model, recognised by the city in the summer: its 3.2.3 bonus.
    ward = next((c for c in communes if c.name == CURRENT_ACTIVE[0]), None)
    if ward is not None and happened(D(2024, 7, 15)) and _part(movement, ward).registered_at is not None:
        model = services.good_model_propose(
            actor=by_user.get(ward.pk, office), participation=_part(movement, ward), field=GoodModelField.HOUSING,
            title="“Tổ thợ Mặt trận” giúp hộ nghèo dựng nhà sau sắp xếp",
            description="Mỗi khu dân cư giữ một tổ thợ thiện nguyện từ các phường cũ; đoàn viên, hội viên góp ngày "
            "công.\n- Các căn dở dang của đơn vị cũ hoàn thành trong quý III.",
            photo=io.BytesIO(demo_png((110, 160, 120))), photo_name="to-tho.png",
        )  # fmt: skip
        services.good_model_decide(
            actor=User.objects.get(username="chutich"), good_model=model, recognise=True,
            note="Đề nghị nhân rộng ở các phường, xã.",
        )  # fmt: skip
        type(model).objects.filter(pk=model.pk).update(
            proposed_at=_at(D(2024, 7, 15), 10), decided_at=_at(D(2024, 7, 25), 10)
        )
