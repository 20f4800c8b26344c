from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "chungtay.figures"
    label = "figures"
    verbose_name = "Danh mục số liệu"

    def ready(self) -> None:
        # Importing a module registers its figures (docs/figures.md lists them in this order).
        from . import definitions  # noqa: F401, I001 - houses, money, obligations, complaints, registrations
        from . import good_models  # noqa: F401 - good models and their replication, as of a date
        from . import funds  # noqa: F401 - per-fund figures and households' allocations from every source
        from . import transfers  # noqa: F401 - fund-to-fund transfers (a reorganisation's among them), issue 16
        from . import fund_books  # noqa: F401 - a fund's cash book and bank book: in, out, balance (issue 17)
        from . import idle  # noqa: F401 - money idle in the funds more than IDLE_DAYS days (issue 17)
        from . import in_kind  # noqa: F401 - in-kind help (workdays, materials) beside cash, never in it

        # Participants by level, activities and a unit's own obligations (3.2.1d); self-assessed, scored and
        # approved as of a date; the funding plan by source (3.2.2b); complaints and statement lines (3.2.2a).
        from . import campaign, evaluation, plans, rules  # noqa: F401
        from . import contest  # noqa: F401 - the contest "Cán bộ Mặt trận cơ sở giỏi" (3.2.1c), as of a date
