"""Mobilised money from donor to household, as a double-entry ledger.

Accounts hold balances in whole đồng. A posted JournalEntry is never edited or deleted: a
correction is a reversing entry. Entries are chained by hash (`manage.py verify_ledger`). The
invariants — no fund below zero, allocated ≤ available, disbursed ≤ allocated per household — are
account balances that may not go negative, checked by the posting service under row locks and by
CheckConstraints in the database.

Account kinds and what a balance means (every account is debit-normal: balance = debits − credits):
- fund_cash:   money of a fund not yet allocated (≥ 0)
- allocation:  money allocated to one household from one fund or source, not yet paid out (≥ 0)
- disbursed:   paid out to one household (grows; ≥ 0)
- donations:   counterpart of receipts into a fund (≤ 0: what donors gave)
- source:      an outside source (state budget, another programme) (≤ 0: what it committed)
- fees:        bank fees and other non-donation debits of a fund (≥ 0)
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chungtay.core.money import format_vnd
from chungtay.core.text import fold, nfc
from chungtay.housing.models import Stage


class FundKind(models.TextChoices):
    FOR_THE_POOR = "vi_nguoi_ngheo", _("Quỹ “Vì người nghèo”")
    MOVEMENT = "phong_trao", _("Quỹ vận động của phong trào")
    OTHER = "khac", _("Quỹ khác")


class Fund(models.Model):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="funds", verbose_name=_("Đơn vị")
    )
    kind = models.CharField(_("Loại quỹ"), max_length=20, choices=FundKind.choices)
    name = models.CharField(_("Tên quỹ"), max_length=200)
    code = models.SlugField(_("Mã quỹ"), max_length=30, unique=True, help_text=_("Dùng trong nội dung chuyển khoản"))
    bank_name = models.CharField(_("Ngân hàng"), max_length=120, blank=True)
    bank_bin = models.CharField(_("Mã BIN ngân hàng"), max_length=6, blank=True)
    account_number = models.CharField(_("Số tài khoản"), max_length=30, blank=True)
    account_name = models.CharField(_("Tên tài khoản"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Quỹ")
        verbose_name_plural = _("Quỹ")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="fund_unique_name"),
            models.UniqueConstraint(
                fields=["bank_bin", "account_number"], condition=~Q(account_number=""), name="fund_unique_bank_account"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    # Same values as housing.FundingSource, so planned and actual money line up by source.
    STATE_BUDGET = "state", _("Ngân sách nhà nước")
    PROGRAMME = "other_programme", _("Chương trình, dự án khác (lồng ghép)")
    SPONSOR = "sponsor", _("Nhà tài trợ trực tiếp")
    HOUSEHOLD = "own_share", _("Đối ứng của hộ")


class Source(models.Model):
    """Money that reaches households without passing through a Front fund's bank account."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="sources", verbose_name=_("Đơn vị")
    )
    kind = models.CharField(_("Loại nguồn"), max_length=20, choices=SourceKind.choices)
    name = models.CharField(_("Tên nguồn"), max_length=200)

    class Meta:
        verbose_name = _("Nguồn ngoài quỹ")
        verbose_name_plural = _("Nguồn ngoài quỹ")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="source_unique_name")]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    FUND_CASH = "fund_cash", _("Tiền quỹ chưa phân bổ")
    ALLOCATION = "allocation", _("Đã phân bổ cho hộ, chưa chi")
    DISBURSED = "disbursed", _("Đã chi cho hộ")
    DONATIONS = "donations", _("Nguồn ủng hộ")
    SOURCE = "source", _("Nguồn ngoài quỹ")
    FEES = "fees", _("Phí ngân hàng, chi khác")


NON_NEGATIVE = [AccountKind.FUND_CASH, AccountKind.ALLOCATION, AccountKind.DISBURSED, AccountKind.FEES]
NON_POSITIVE = [AccountKind.DONATIONS, AccountKind.SOURCE]


class Account(models.Model):
    kind = models.CharField(max_length=20, choices=AccountKind.choices, verbose_name=_("Loại tài khoản"))
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts")
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    # "kind:fund:source:household" — unique, so each account exists once (NULLs would not be unique).
    key = models.CharField(max_length=80, unique=True)
    # Kept by the posting service in the same transaction as the lines; verify_ledger re-adds the lines.
    balance = models.BigIntegerField(default=0, verbose_name=_("Số dư"))

    class Meta:
        verbose_name = _("Tài khoản sổ cái")
        verbose_name_plural = _("Tài khoản sổ cái")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NON_NEGATIVE, balance__gte=0) | Q(kind__in=NON_POSITIVE, balance__lte=0),
                name="account_balance_sign",
            ),
            models.CheckConstraint(
                condition=Q(fund__isnull=False) | Q(source__isnull=False), name="account_has_fund_or_source"
            ),
        ]

    def __str__(self) -> str:
        owner = self.fund or self.source
        return f"{self.get_kind_display()} — {owner}" + (f" — hộ {self.household.code}" if self.household else "")


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("Thu ủng hộ")
    TRANSFER = "transfer", _("Chuyển quỹ")
    ALLOCATION = "allocation", _("Phân bổ cho hộ")
    DISBURSEMENT = "disbursement", _("Chi cho hộ")
    FEE = "fee", _("Phí, chi khác")
    REVERSAL = "reversal", _("Bút toán đảo")


class JournalEntry(models.Model):
    """Insert-only. `seq` orders the hash chain; `hash` covers this entry, its lines and `prev_hash`."""

    seq = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=20, choices=EntryKind.choices, verbose_name=_("Loại bút toán"))
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("Ngày"))
    memo = models.CharField(_("Diễn giải"), max_length=500)
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người lập")
    )
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Người kiểm soát"),
    )
    posted_at = models.DateTimeField(_("Thời điểm ghi sổ"))
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("Đảo bút toán"),
    )
    reason = models.CharField(_("Lý do"), max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("Bút toán")
        verbose_name_plural = _("Bút toán")
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False), name="entry_reversal_points_back"
            )
        ]
        # Figures as of a day read the entries dated after a kept month-end (a month's, not the ledger's).
        indexes = [models.Index(fields=["date"], name="journalentry_date")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Bút toán đã ghi sổ không được sửa; hãy lập bút toán đảo.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Bút toán đã ghi sổ không được xoá; hãy lập bút toán đảo.")


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines", verbose_name=_("Bút toán"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.BigIntegerField(default=0, verbose_name=_("Nợ"))
    credit = models.BigIntegerField(default=0, verbose_name=_("Có"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)), name="line_one_side"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id}: nợ {format_vnd(self.debit)} / có {format_vnd(self.credit)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Dòng bút toán không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Dòng bút toán không được xoá.")


class LedgerHead(models.Model):
    """One row, locked by every posting: it serialises the hash chain (seq and previous hash)."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Sổ cái: {self.last_seq} bút toán"


class FundBookMark(models.Model):
    """One row: the fund book figures kept in FundBookTally count every book line of the entries with
    an id up to `through_entry` (`funds.books.fold_books`); the lines of later entries are read live."""

    through_entry = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sổ quỹ, sổ tiền gửi: đã cộng đến bút toán id {self.through_entry}"


class FundBookTally(models.Model):
    """A fund's cash book and bank book totals (chungtay/figures/fund_books.py as of today), kept by
    `funds.books.fold_books` after each posting commits: what came in and went out of the fund's
    till and bank account through the entries up to FundBookMark.through_entry."""

    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, primary_key=True, related_name="+")
    cash_in = models.BigIntegerField(default=0)
    cash_out = models.BigIntegerField(default=0)
    bank_in = models.BigIntegerField(default=0)
    bank_out = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sổ quỹ, sổ tiền gửi của quỹ #{self.fund_id}"


class DonorKind(models.TextChoices):
    PERSON = "ca_nhan", _("Cá nhân")
    ORGANISATION = "to_chuc", _("Cơ quan, tổ chức")
    BUSINESS = "doanh_nghiep", _("Doanh nghiệp")


class Donor(models.Model):
    name = models.CharField(_("Tên nhà hảo tâm"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("Loại"), max_length=20, choices=DonorKind.choices, default=DonorKind.PERSON)
    anonymous = models.BooleanField(_("Ẩn danh khi công khai"), default=False)
    published_name = models.CharField(_("Tên công khai"), max_length=200, blank=True)
    # The public search matches the published name as people type it, from a trigram index (PostgreSQL).
    # A database default, so bulk loads (bench COPY) that do not name the column still work.
    published_folded = models.CharField(max_length=200, blank=True, editable=False, default="", db_default="")
    contact = models.CharField(_("Liên hệ (không công khai)"), max_length=200, blank=True)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Nhà hảo tâm")
        verbose_name_plural = _("Nhà hảo tâm")
        # The public search for "ẩn danh" lists anonymous donors (a few in a hundred) without a scan.
        indexes = [models.Index(fields=["id"], condition=Q(anonymous=True), name="donor_anonymous")]

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        self.published_folded = fold(self.published_name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        if self.anonymous:
            return "Nhà hảo tâm ẩn danh"
        return self.published_name or self.name


class Designation(models.TextChoices):
    GENERAL = "chung", _("Ủng hộ chung")
    MOVEMENT = "phong_trao", _("Phong trào xóa nhà tạm")
    UNIT = "don_vi", _("Cho một đơn vị")
    HOUSEHOLD = "ho", _("Cho một hộ")


class Channel(models.TextChoices):
    CASH = "tien_mat", _("Tiền mặt")
    BANK = "chuyen_khoan", _("Chuyển khoản")


class Pledge(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("Nhà hảo tâm"))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("Quỹ"))
    amount = models.BigIntegerField(_("Số tiền cam kết"))
    pledged_on = models.DateField(_("Ngày cam kết"))
    due_on = models.DateField(_("Hạn thực hiện"), null=True, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Cam kết ủng hộ")
        verbose_name_plural = _("Cam kết ủng hộ")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_positive")]

    def __str__(self) -> str:
        return f"{self.donor} — {format_vnd(self.amount)}"


class Receipt(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("Quỹ"))
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("Nhà hảo tâm"))
    amount = models.BigIntegerField(_("Số tiền"))
    received_on = models.DateField(_("Ngày nhận"))
    channel = models.CharField(_("Hình thức"), max_length=20, choices=Channel.choices)
    receipt_number = models.CharField(_("Số biên lai"), max_length=40, blank=True)
    bank_ref = models.CharField(_("Số tham chiếu ngân hàng"), max_length=80, blank=True)
    designation = models.CharField(
        _("Mục đích"), max_length=20, choices=Designation.choices, default=Designation.GENERAL
    )
    designated_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Đơn vị được ủng hộ"),
    )
    designated_household = models.ForeignKey(
        "housing.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Hộ được ủng hộ"),
    )
    pledge = models.ForeignKey(Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    memo = models.CharField(_("Nội dung"), max_length=500, blank=True)
    memo_folded = models.CharField(max_length=500, blank=True, editable=False)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("Bút toán")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Phiếu thu (C40-BB): numbered per fund and year, from 1, in the order receipts are recorded.
    serial_year = models.PositiveSmallIntegerField(_("Năm (quyển số)"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("Số phiếu thu"), null=True, blank=True)

    class Meta:
        verbose_name = _("Khoản ủng hộ")
        verbose_name_plural = _("Khoản ủng hộ")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_positive"),
            models.CheckConstraint(
                condition=~Q(channel="chuyen_khoan") | ~Q(bank_ref=""), name="receipt_bank_needs_ref"
            ),
            models.CheckConstraint(
                condition=~Q(channel="tien_mat") | ~Q(receipt_number=""), name="receipt_cash_needs_number"
            ),
            models.UniqueConstraint(fields=["fund", "bank_ref"], condition=~Q(bank_ref=""), name="receipt_unique_ref"),
            models.UniqueConstraint(fields=["fund", "serial_year", "serial"], name="receipt_unique_serial"),
            models.UniqueConstraint(
                fields=["fund", "receipt_number"], condition=~Q(receipt_number=""), name="receipt_unique_number"
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "received_on"], name="receipt_fund_date"),
            # The public search looks a bank reference up in every fund.
            models.Index(fields=["bank_ref"], condition=~Q(bank_ref=""), name="receipt_bank_ref"),
        ]

    def save(self, *args, **kwargs):
        self.memo = nfc(self.memo)
        self.memo_folded = fold(self.memo)
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            ReceiptTally.add(fund_id=self.fund_id, amount=self.amount)

    def __str__(self) -> str:
        return f"{self.donor} — {format_vnd(self.amount)} ({self.received_on:%d/%m/%Y})"


class ReceiptTally(models.Model):
    """How many receipts a fund has and their sum, kept as receipts are created.

    The public ledger shows "N khoản, tổng X" for all receipts (or a unit's funds): counting and
    summing millions of rows on every visit is what made that page slow. A receipt is never deleted
    and its fund and amount never change (its journal entry carries them; a mistake is reversed in
    the ledger, the receipt stays listed), so adding on creation keeps the tally exact.
    `Receipt.save` adds; anything that inserts receipts around it (bulk loads) calls `rebuild()`.
    """

    fund = models.OneToOneField(Fund, primary_key=True, on_delete=models.CASCADE, related_name="receipt_tally")
    count = models.BigIntegerField(default=0, verbose_name=_("Số khoản thu"))
    total = models.BigIntegerField(default=0, verbose_name=_("Tổng tiền"))

    class Meta:
        verbose_name = _("Tổng hợp khoản ủng hộ của quỹ")
        verbose_name_plural = _("Tổng hợp khoản ủng hộ của quỹ")

    def __str__(self) -> str:
        return f"{self.fund}: {self.count} khoản, {format_vnd(self.total)}"

    @classmethod
    def add(cls, *, fund_id: int, amount: int, count: int = 1) -> None:
        # One statement on PostgreSQL and SQLite alike; the row lock it takes is released with the
        # receipt's transaction (receipts of a fund are serialised by the ledger's locks already).
        # `count` receipts of `amount` in all: a statement's confirm adds its receipts at once.
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (fund_id, count, total) VALUES (%s, %s, %s) "  # noqa: S608 - table name
                f"ON CONFLICT (fund_id) DO UPDATE SET count = {table}.count + %s, total = {table}.total + %s",
                [fund_id, count, amount, count, amount],
            )

    @classmethod
    def rebuild(cls) -> None:
        """Recount every fund from the receipts (after a bulk load, or to repair)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Receipts created meanwhile wait to add theirs until the recount is committed.
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name
            cursor.execute(
                f"INSERT INTO {table} (fund_id, count, total) "  # noqa: S608 - table name
                "SELECT fund_id, COUNT(*), SUM(amount) FROM funds_receipt GROUP BY fund_id"
            )


class Transfer(models.Model):
    from_fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("Từ quỹ")
    )
    to_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("Đến quỹ"))
    amount = models.BigIntegerField(_("Số tiền"))
    date = models.DateField(_("Ngày"))
    decision = models.CharField(_("Căn cứ (quyết định)"), max_length=200, blank=True)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="transfer", verbose_name=_("Bút toán")
    )

    class Meta:
        verbose_name = _("Chuyển quỹ")
        verbose_name_plural = _("Chuyển quỹ")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_positive"),
            models.CheckConstraint(condition=~Q(from_fund=models.F("to_fund")), name="transfer_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_fund} → {self.to_fund}: {format_vnd(self.amount)}"


class Allocation(models.Model):
    household = models.ForeignKey(
        "housing.Household", on_delete=models.PROTECT, related_name="allocations", verbose_name=_("Hộ")
    )
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("Số tiền"))
    date = models.DateField(_("Ngày"))
    decision = models.CharField(_("Quyết định phân bổ"), max_length=200)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="allocation", verbose_name=_("Bút toán")
    )
    # Above the household's plan line for this source or above the norm (NQ 13/2023): only with a
    # reviewer's override and its reason (programme rules, issue 17).
    over_limit = models.BooleanField(_("Vượt kế hoạch hoặc định mức"), default=False)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Người cho phép vượt"),
    )
    override_reason = models.CharField(_("Lý do cho phép vượt"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Phân bổ")
        verbose_name_plural = _("Phân bổ")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive"),
            models.CheckConstraint(
                condition=Q(over_limit=False) | (Q(override_by__isnull=False) & ~Q(override_reason="")),
                name="allocation_over_limit_overridden",
            ),
            models.CheckConstraint(
                condition=Q(fund__isnull=False, source__isnull=True) | Q(fund__isnull=True, source__isnull=False),
                name="allocation_one_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} ← {self.fund or self.source}: {format_vnd(self.amount)}"


class Funding(models.Model):
    """Which money paid for what: a piece of a receipt (or of a transfer into the fund) used by an
    allocation to a household (or by a transfer out of the fund).

    Fixed when the allocation or transfer is posted — earmarked receipts for the household first, then
    the fund's other money first in, first out (`tracing.take`) — and never recomputed. A reversal of
    the allocation or transfer releases its rows (`released_by`), and the money is free again.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="fundings")
    receipt = models.ForeignKey(Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="fundings")
    transfer_in = models.ForeignKey(
        Transfer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fundings_given",
        verbose_name=_("Điều chuyển nhận"),
    )
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="fundings")
    transfer_out = models.ForeignKey(
        Transfer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fundings_used",
        verbose_name=_("Điều chuyển đi"),
    )
    amount = models.BigIntegerField(_("Số tiền"))
    released_by = models.ForeignKey(
        JournalEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_fundings",
        verbose_name=_("Bút toán giải phóng"),
    )

    class Meta:
        verbose_name = _("Nguồn tiền của khoản phân bổ")
        verbose_name_plural = _("Nguồn tiền của khoản phân bổ")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_positive"),
            models.CheckConstraint(
                condition=Q(receipt__isnull=False, transfer_in__isnull=True)
                | Q(receipt__isnull=True, transfer_in__isnull=False),
                name="funding_one_supplier",
            ),
            models.CheckConstraint(
                condition=Q(allocation__isnull=False, transfer_out__isnull=True)
                | Q(allocation__isnull=True, transfer_out__isnull=False),
                name="funding_one_use",
            ),
        ]
        indexes = [
            models.Index(fields=["receipt"], condition=Q(released_by__isnull=True), name="funding_receipt_live"),
            models.Index(fields=["transfer_in"], condition=Q(released_by__isnull=True), name="funding_transfer_live"),
        ]

    def __str__(self) -> str:
        came = "khoản ủng hộ" if self.receipt_id else "tiền chuyển đến"
        went = "phân bổ cho hộ" if self.allocation_id else "chuyển đi"
        return f"{format_vnd(self.amount)} từ {came} cho {went}"


# Money received more than this many days ago and not yet allocated is flagged (figures "money_idle").
IDLE_DAYS = 90


class ProgrammeRule(models.Model):
    """A movement's money rules; without a row, the defaults below apply (the safe ones)."""

    movement = models.OneToOneField(
        "campaigns.Movement", on_delete=models.CASCADE, related_name="money_rule", verbose_name=_("Phong trào")
    )
    pay_by_verified_stage = models.BooleanField(
        _("Chi theo đợt, chỉ khi giai đoạn thi công đã được xác nhận"), default=True
    )
    cap_to_plan = models.BooleanField(
        _("Không phân bổ vượt kế hoạch, định mức (trừ khi được duyệt vượt)"), default=True
    )
    idle_days = models.PositiveIntegerField(_("Cảnh báo tiền nằm quỹ quá (ngày)"), default=IDLE_DAYS)

    class Meta:
        verbose_name = _("Quy định chi của phong trào")
        verbose_name_plural = _("Quy định chi của phong trào")
        constraints = [models.CheckConstraint(condition=Q(idle_days__gt=0), name="programmerule_idle_positive")]

    def __str__(self) -> str:
        return f"{self.movement}: cảnh báo sau {self.idle_days} ngày"


class DisbursementStatus(models.TextChoices):
    RECORDED = "recorded", _("Đã lập, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt chi")
    REJECTED = "rejected", _("Không duyệt")


class Disbursement(models.Model):
    household = models.ForeignKey(
        "housing.Household", on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("Hộ")
    )
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements")
    amount = models.BigIntegerField(_("Số tiền"))
    date = models.DateField(_("Ngày chi"))
    voucher_number = models.CharField(_("Số phiếu chi"), max_length=40)
    stage = models.CharField(_("Giai đoạn thi công"), max_length=20)
    audit_choices: ClassVar[dict[str, Any]] = {"stage": Stage.choices}  # the change log names the stage
    channel = models.CharField(_("Hình thức chi"), max_length=20, choices=Channel.choices, default=Channel.CASH)
    requires_verified_stage = models.BooleanField(_("Chỉ chi khi giai đoạn đã được xác nhận"), default=True)
    # The verified progress update the payment was approved against (tranches tied to verified stages).
    verified_update = models.ForeignKey(
        "housing.ProgressUpdate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name=_("Lần cập nhật tiến độ đã xác minh"),
    )
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    status = models.CharField(
        max_length=20,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.RECORDED,
        verbose_name=_("Trạng thái"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người lập")
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Thời điểm lập"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người duyệt")
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Thời điểm duyệt"))
    rejection_reason = models.CharField(max_length=300, blank=True, verbose_name=_("Lý do từ chối"))
    entry = models.OneToOneField(
        JournalEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursement",
        verbose_name=_("Bút toán"),
    )
    # Phiếu chi (C41-BB): numbered per fund (or outside source) and year when the payment is approved.
    serial_year = models.PositiveSmallIntegerField(_("Năm (quyển số)"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("Số phiếu chi (C41-BB)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Chi hỗ trợ")
        verbose_name_plural = _("Chi hỗ trợ")
        # The approval queue: a handful of vouchers among hundreds of thousands (funds overview badge).
        indexes = [
            models.Index(fields=["fund"], condition=Q(status="recorded"), name="disbursement_waiting"),
            # The vouchers list (/quy/chi/?trang_thai=…), newest first: 50 read from the index instead of
            # sorting a province's 16,600 approved vouchers (360 ms → 1 ms for the office; issue 22).
            models.Index(fields=["status", "-recorded_at"], name="disbursement_status_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive"),
            # Maker-checker: whoever records a disbursement cannot approve it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("recorded_by")),
                name="disbursement_maker_checker",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(entry__isnull=False), name="disbursement_approved_is_posted"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved", requires_verified_stage=True) | Q(verified_update__isnull=False),
                name="disbursement_tranche_verified",
            ),
            models.UniqueConstraint(fields=["fund", "serial_year", "serial"], name="disbursement_unique_serial_fund"),
            models.UniqueConstraint(
                fields=["source", "serial_year", "serial"], name="disbursement_unique_serial_source"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(serial__isnull=False, serial_year__isnull=False),
                name="disbursement_approved_has_serial",
            ),
            models.CheckConstraint(
                condition=Q(fund__isnull=False, source__isnull=True) | Q(fund__isnull=True, source__isnull=False),
                name="disbursement_one_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number}: {self.household} — {format_vnd(self.amount)}"

    @property
    def stage_label(self) -> str:
        """The stage as the papers say it ("Xong móng", never "foundation")."""
        return str(Stage(self.stage).label) if self.stage in Stage.values else self.stage


class BankStatement(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statements", verbose_name=_("Quỹ"))
    period_from = models.DateField(_("Từ ngày"))
    period_to = models.DateField(_("Đến ngày"))
    total_debit = models.BigIntegerField(_("Tổng ghi nợ"), default=0)
    total_credit = models.BigIntegerField(_("Tổng ghi có"), default=0)
    opening_balance = models.BigIntegerField(_("Số dư đầu kỳ"), null=True, blank=True)
    closing_balance = models.BigIntegerField(_("Số dư cuối kỳ"), null=True, blank=True)
    batch = models.OneToOneField(
        "core.ImportBatch", on_delete=models.PROTECT, related_name="bank_statement", verbose_name=_("Lần nhập tệp")
    )
    lines_added = models.PositiveIntegerField(default=0, verbose_name=_("Số dòng thêm"))
    lines_skipped = models.PositiveIntegerField(default=0, verbose_name=_("Số dòng bỏ qua"))

    class Meta:
        verbose_name = _("Sao kê ngân hàng")
        verbose_name_plural = _("Sao kê ngân hàng")
        ordering = ["-period_to"]

    def __str__(self) -> str:
        return f"{self.fund}: {self.period_from:%d/%m/%Y}–{self.period_to:%d/%m/%Y}"


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Đã khớp")
    UNMATCHED = "unmatched", _("Chờ đối soát")
    FEE = "fee", _("Phí, chi khác")
    IGNORED = "ignored", _("Không phải khoản ủng hộ")


class StatementLine(models.Model):
    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="lines", verbose_name=_("Sao kê")
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="statement_lines")
    row_number = models.PositiveIntegerField(_("Dòng trong tệp"))
    txn_at = models.DateTimeField(_("Thời điểm giao dịch"))
    bank_ref = models.CharField(_("Số tham chiếu"), max_length=80)
    debit = models.BigIntegerField(_("Ghi nợ"), default=0)
    credit = models.BigIntegerField(_("Ghi có"), default=0)
    balance = models.BigIntegerField(_("Số dư"), null=True, blank=True)
    memo = models.CharField(_("Nội dung"), max_length=500)
    memo_folded = models.CharField(max_length=500, editable=False)
    status = models.CharField(
        max_length=20, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED, verbose_name=_("Trạng thái")
    )
    suggestion = models.JSONField(
        default=dict, blank=True, verbose_name=_("Gợi ý đối chiếu")
    )  # what the matcher found, shown to the person
    receipt = models.OneToOneField(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )
    fee_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Bút toán phí")
    )

    class Meta:
        verbose_name = _("Dòng sao kê")
        verbose_name_plural = _("Dòng sao kê")
        constraints = [
            models.UniqueConstraint(fields=["fund", "bank_ref"], name="statementline_unique_ref"),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)), name="statementline_one_side"
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="statementline_queue")]

    def save(self, *args, **kwargs):
        self.memo = nfc(self.memo)
        self.memo_folded = fold(self.memo)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.bank_ref}: {self.credit or -self.debit}"
