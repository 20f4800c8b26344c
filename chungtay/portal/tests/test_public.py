"""The public layer and pages: folded search, anonymity, filters, totals, masking, map rounding,
open data, and a constant number of queries per page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from chungtay.portal import opendata, public

from .conftest import SENTINELS


def _ledger(client, **params):
    response = client.get(reverse("portal:receipts"), params)
    assert response.status_code == 200
    return response.content.decode().replace('<span class="ct-money">', "").replace("</span>", "")


def test_search_ignores_case_and_diacritics(client, world):
    page = _ledger(client, q="nguyen van an")
    assert "Nguyễn Văn An Khang" in page
    assert "1 khoản, tổng 50.000.000 đ" in page
    assert "Nguyễn Văn An Khang" in _ledger(client, q="NGUYỄN VĂN")


def test_search_for_a_place_finds_its_receipts(client, world):
    # "dien ban" matches the town whose fund received the money, and a published name with it.
    page = _ledger(client, q="dien ban")
    assert "Công ty Mẫu Điện Bàn" in page
    assert "4 khoản" in page


def test_an_anonymous_donor_is_published_as_anonymous_and_never_found_by_real_name(client, world):
    page = _ledger(client)
    assert public.ANONYMOUS_NAME in page
    assert SENTINELS["anonymous_real_name"] not in page
    assert "Không có khoản ủng hộ nào khớp." in _ledger(client, q="tran bi mat")
    assert public.ANONYMOUS_NAME in _ledger(client, q="an danh")


def test_a_published_name_replaces_the_real_one(client, world):
    page = _ledger(client, q="cong ty mau")
    assert "Công ty Mẫu Điện Bàn" in page
    assert "Công ty TNHH Mẫu" not in page
    assert "Không có khoản ủng hộ nào khớp." in _ledger(client, q="tnhh")


def test_memos_are_searched_by_their_words_but_never_published_nor_found_by_their_numbers(client, world):
    page = _ledger(client, q="memo-sentinel")  # a named donor finds their transfer by what they wrote
    assert "Phạm Thị Ghi Chú" in page and "MEMO" not in page and SENTINELS["phone"] not in page
    for digits in (SENTINELS["phone"], SENTINELS["phone"][3:], "gọi 0905"):  # the phone written in the memo
        assert "Không có khoản ủng hộ nào khớp." in _ledger(client, q=digits)
    page = _ledger(client, q="ghi chu")
    assert "Phạm Thị Ghi Chú" in page and "MEMO" not in page


def test_filters_by_date_and_amount_with_totals_of_the_filtered_set(client, world):
    page = _ledger(client, tu_ngay="01/05/2024", den_ngay="31/05/2024")
    assert "2 khoản, tổng 80.000.000 đ" in page
    page = _ledger(client, tu_so_tien="20.000.000", den_so_tien="30.000.000")
    assert "2 khoản, tổng 50.000.000 đ" in page


def test_bad_filters_get_a_vietnamese_error_naming_the_field(client, world):
    page = _ledger(client, tu_ngay="31/02/2024")
    assert "Từ ngày: nhập theo dạng dd/mm/yyyy." in page
    page = _ledger(client, tu_ngay="01/06/2024", den_ngay="01/05/2024")
    assert "Đến ngày phải sau hoặc bằng từ ngày." in page
    page = _ledger(client, tu_so_tien="mười triệu")
    assert "Số tiền không hợp lệ" in page


def test_the_ledger_shows_statement_periods_and_totals(client, world):
    page = _ledger(client)
    assert "01/05/2024 – 31/05/2024" in page
    assert "80.000.000 đ" in page


def test_htmx_search_returns_only_the_rows(client, world):
    response = client.get(reverse("portal:receipts"), {"q": "nguyen van"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Nguyễn Văn An Khang" in body and "<html" not in body


def test_a_household_page_shows_the_masked_name_timeline_money_and_consented_photos(client, world):
    page = client.get(reverse("portal:household", args=[world.consenting.code])).content.decode()
    assert "Nguyễn V. S." in page
    assert "Khối phố 1" in page and "phường Vĩnh Điện" in page
    assert "Hoàn thành" in page and "28/05/2024" in page
    assert "40.000.000 đ" in page and "20.000.000 đ" in page  # allocated from the fund, paid
    assert "60.000.000 đ" in page  # state budget
    assert page.count(reverse("portal:photo", args=[0])[:-2]) >= 3


def test_a_household_without_consent_shows_no_photo(client, world):
    page = client.get(reverse("portal:household", args=[world.private.code])).content.decode()
    assert "Lê T. R. T." in page
    assert "/cong-khai/anh/" not in page
    assert "Hộ không đồng ý công khai ảnh." in page


def test_a_withdrawn_household_is_not_public(client, world):
    world.private.status = "withdrawn"
    world.private.withdrawn_reason = "Chuyển đi nơi khác"
    world.private.save()
    assert client.get(reverse("portal:household", args=[world.private.code])).status_code == 404


def test_the_gallery_shows_finished_houses_with_consent_only(client, world):
    page = client.get(reverse("portal:gallery")).content.decode()
    assert world.consenting.code in page
    assert world.private.code not in page


def test_the_household_list_does_not_search_head_names(client, world):
    page = client.get(reverse("portal:households"), {"q": "sentinelan"}).content.decode()
    assert "Không có hộ nào khớp." in page
    page = client.get(reverse("portal:households"), {"q": "khoi pho 1"}).content.decode()
    assert world.consenting.code in page and world.private.code not in page


def test_the_household_list_is_as_long_as_its_rows_and_leaves_withdrawn_households_out(client, world, tree):
    world.private.status, world.private.withdrawn_reason = "withdrawn", "Chuyển đi nơi khác"
    world.private.save()
    for params, expected in (({}, 1), ({"don_vi": tree.commune_b.pk}, 0), ({"don_vi": tree.commune_a.pk}, 1)):
        page = client.get(reverse("portal:households"), params).context["page"]
        assert page.paginator.count == len(page.object_list) == expected, params


def test_map_positions_are_rounded_to_about_a_kilometre(world, tree):
    cells = public.map_cells(public.unit_get(tree.town.pk))
    assert {(c["lat"], c["lon"]) for c in cells} == {(15.88, 108.25), (15.9, 108.21)}
    assert sum(c["households"] for c in cells) == 2


def test_the_map_list_prints_every_position_with_its_two_decimals(client, world, tree):
    """15.9 is the cell 15,90 (not "15,9", which reads as a different precision), in Vietnamese format."""
    page = client.get(reverse("portal:unit", args=[tree.town.pk])).content.decode()
    assert "<li>15,90, 108,21: 1 hộ" in page and "<li>15,88, 108,25: 1 hộ" in page


def test_figures_per_unit_add_up(world, tree):
    report = public.unit_report(public.unit_get(tree.town.pk))
    assert report.whole.houses_planned == 2 and report.whole.houses_completed == 1
    assert report.whole.money_received == 105_000_000
    assert report.whole.money_households_allocated == 100_000_000
    assert report.whole.money_households_received == 20_000_000
    by_name = {child.name: fig for child, fig in report.children}
    assert by_name["Vĩnh Điện"].money_households_allocated == 100_000_000
    assert by_name["Điện Hồng"].houses_planned == 1 and by_name["Điện Hồng"].money_households_allocated == 0


def test_unit_pages_drill_down_from_town_to_area(client, world, tree):
    page = client.get(reverse("portal:unit", args=[tree.town.pk])).content.decode()
    assert reverse("portal:unit", args=[tree.commune_a.pk]) in page
    page = client.get(reverse("portal:unit", args=[tree.commune_a.pk])).content.decode()
    assert reverse("portal:unit", args=[tree.area_a1.pk]) in page
    assert "thị xã Điện Bàn" in page  # breadcrumb
    assert client.get(reverse("portal:unit", args=[999999])).status_code == 404


def test_home_shows_the_movement_and_the_town(client, world):
    page = client.get(reverse("portal:home")).content.decode()
    assert "Phong trào thi đua năm 2024" in page
    assert "105.000.000 đ" in page
    assert 'data-src="/cong-khai/ban-do.json?don_vi=' in page and "<script>" not in page.replace("<script src", "")
    assert "du-lieu-ban-do" not in page  # the cells are not in the page: they are fetched from their own URL


def test_only_recognised_good_models_are_public(client, world):
    page = client.get(reverse("portal:good_models")).content.decode()
    assert "Ngày công xây nhà" in page and "PROPOSED" not in page


def test_the_donate_page_has_a_vietqr_per_fund_and_purposes_per_commune(client, world):
    page = client.get(reverse("portal:donate")).content.decode()
    assert 'data-testid="vietqr"' in page and "data:image/svg+xml" in page
    assert "0041000123456" in page
    assert "UH VNN DB VINH DIEN" in page and "UH VNN DB DIEN HONG" in page


def test_the_complaint_page_publishes_counts_only(client, world):
    page = client.get(reverse("portal:complain")).content.decode()
    assert "đã nhận 1 đơn" in page
    assert SENTINELS["complainant"] not in page


def test_receipts_csv_has_a_bom_the_documented_columns_and_every_receipt(client, world):
    response = client.get(reverse("portal:download", args=["receipts", "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="receipts.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == opendata.DATASETS["receipts"].names
    assert len(rows) == 4
    anonymous = next(r for r in rows if r["amount"] == "30000000")
    assert anonymous["donor"] == public.ANONYMOUS_NAME and anonymous["received_on"] == "2024-05-05"


def test_progress_json_carries_schema_and_licence(client, world):
    response = client.get(reverse("portal:download", args=["progress", "json"]))
    data = json.loads(b"".join(response.streaming_content))
    assert data["licence"] == "CC BY 4.0"
    assert [f["name"] for f in data["fields"]] == opendata.DATASETS["progress"].names
    assert {(r["household_code"], r["stage"]) for r in data["rows"]} >= {(world.consenting.code, "completed")}
    assert all(set(r) == set(opendata.DATASETS["progress"].names) for r in data["rows"])


def test_allocations_are_aggregated_per_household_and_source(client, world):
    text = b"".join(client.get(reverse("portal:download", args=["allocations", "csv"])).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {(r["source"], r["allocated"], r["disbursed"]) for r in rows} == {
        ("front_fund", "40000000", "20000000"),
        ("state", "60000000", "0"),
    }


def test_the_open_data_page_documents_every_column_and_the_licence(client, world):
    page = client.get(reverse("portal:open_data")).content.decode()
    assert "CC BY 4.0" in page
    for dataset in opendata.DATASETS.values():
        for name in dataset.names:
            assert f"<code>{name}</code>" in page


@pytest.mark.parametrize(
    ("name", "args", "limit"),
    [
        # the catalogue: unit and children, 4 kept figure groups (houses, money, money allocated to households,
        # idle money's months) and in-kind each (+ freshness); the movement, the units, the map's cells
        ("portal:home", [], 22),
        ("portal:receipts", [], 6),
        ("portal:households", [], 4),  # roots, pending figures, kept figures, the page
        ("portal:gallery", [], 3),
        ("portal:donate", [], 3),
    ],
)
def test_public_pages_make_a_constant_number_of_queries(
    client, world, give, django_assert_max_num_queries, name, args, limit
):
    for i in range(15):
        give(world.fund, 1_000_000 + i, f"Người Ủng Hộ {i}", on=dt.date(2024, 7, 1))
    from chungtay.tallies import rollup

    rollup.refresh_pending()  # the background task's work after the writes; the page only reads
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/cong-khai/ho/?q=%00x",
        "/cong-khai/ho/%00/",
        "/cong-khai/ho/?don_vi=99999999999999999999999&trang=abc",
        "/cong-khai/ung-ho/?q=%00x",
        "/cong-khai/ung-ho/?don_vi=99999999999999999999999",
        "/cong-khai/ung-ho/?tu_so_tien=999999999999999999999999999",
        "/cong-khai/don-vi/99999999999999999999999/",
        "/cong-khai/anh/99999999999999999999999/",
        "/cong-khai/nha-da-hoan-thanh/?trang=-1",
    ],
)
def test_odd_input_never_breaks_a_public_page(client, world, path):
    assert client.get(path).status_code in (200, 404)


def test_a_donor_finds_their_transfer_by_the_words_they_wrote_never_an_anonymous_donors(client, world, give):
    from chungtay.funds.models import Receipt

    named = give(world.fund, 7_300_000, "Trần Thị Mai")
    Receipt.objects.filter(pk=named.pk).update(memo_folded="ung ho ba con bi lu lut qua hoi cuu hoc sinh")
    hidden = give(world.fund, 4_100_000, "Phạm Văn Kín", anonymous=True)
    Receipt.objects.filter(pk=hidden.pk).update(memo_folded="pham van kin ung ho ba con bi lu lut")
    page = client.get(reverse("portal:receipts") + "?q=Ủng hộ bà con bị lũ lụt").content.decode()
    assert "7.300.000" in page and "Trần Thị Mai" in page
    assert "4.100.000" not in page  # the anonymous donor's memo names them: never searched
    assert "cuu hoc sinh" not in page and "pham van kin" not in page  # memos are searched, never shown
    assert "4.100.000" not in client.get(reverse("portal:receipts") + "?q=Phạm Văn Kín").content.decode()
