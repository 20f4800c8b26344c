"""Each fund's receipt tally (count and sum, what the public ledger shows) follows its receipts."""

from django.db import connection
from django.db.models import Sum

from chungtay.funds import ledger
from chungtay.funds.models import Account, AccountKind, Receipt, ReceiptTally
from chungtay.funds.services import entry_reverse


def tally(fund) -> tuple[int, int]:
    row = ReceiptTally.objects.filter(fund=fund).values_list("count", "total").first()
    return row or (0, 0)


def test_every_receipt_adds_to_its_funds_tally(town_fund, commune_fund, give):
    give(town_fund, 1_000_000)
    give(town_fund, 2_500_000)
    give(commune_fund, 700_000)
    assert tally(town_fund) == (2, 3_500_000)
    assert tally(commune_fund) == (1, 700_000)


def test_the_tallies_equal_the_donations_accounts_of_the_ledger(town_fund, commune_fund, give):
    for fund, amount in ((town_fund, 1_000_000), (town_fund, 4_000_000), (commune_fund, 250_000)):
        give(fund, amount)
    donations = Account.objects.filter(kind=AccountKind.DONATIONS).aggregate(s=Sum("balance"))["s"]
    assert ReceiptTally.objects.aggregate(s=Sum("total"))["s"] == -donations == 5_250_000


def test_a_reversed_receipt_stays_in_the_tally_as_it_stays_listed(people, town_fund, give):
    give(town_fund, 1_000_000)
    mistake = give(town_fund, 9_000_000)
    entry_reverse(actor=people.board, entry=mistake.entry, reason="Nhập nhầm")
    assert Receipt.objects.count() == 2
    assert tally(town_fund) == (2, 10_000_000)  # the ledger's donations balance is now 1,000,000
    assert ledger.verify() == []


def test_rebuild_recounts_receipts_loaded_around_the_model(town_fund, give):
    give(town_fund, 1_000_000)
    give(town_fund, 2_000_000)
    with connection.cursor() as cursor:  # as a bulk load would: rows in, tally untouched
        cursor.execute("UPDATE funds_receipttally SET count = 0, total = 0")
    assert any("Tổng hợp khoản ủng hộ" in p.message for p in ledger.verify())
    ReceiptTally.rebuild()
    assert tally(town_fund) == (2, 3_000_000)
    assert ledger.verify() == []
