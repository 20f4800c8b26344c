from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "chungtay.funds"
    label = "funds"
    verbose_name = "Quỹ và nguồn vận động"

    def ready(self) -> None:
        from chungtay.core.backup import AFTER_RESTORE
        from chungtay.core.imports import register

        from . import own_figures  # noqa: F401 — gives the kept figures (tallies.rollup) the units' own money
        from .books import fold_after_commit
        from .import_adapter import StatementImport
        from .ledger import verify
        from .signals import balances_changed

        register(StatementImport())
        balances_changed.connect(fold_after_commit, dispatch_uid="funds.books.fold_after_commit")

        def ledger_intact() -> str | None:
            problems = verify()
            return f"Sổ cái sau khôi phục có {len(problems)} lỗi." if problems else None

        AFTER_RESTORE.append(ledger_intact)
