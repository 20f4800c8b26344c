"""Signals of the ledger, for readers that keep figures derived from balances (tallies.rollup)."""

from django.dispatch import Signal

# Sent by ledger.post inside its transaction, after the balances were written; `accounts` is the
# list of Account objects whose balance changed, `changes` maps their ids to the amount added, and
# `since` is the earliest date of the entries posted (figures as of a day before it are unchanged).
balances_changed = Signal()

# Sent by writes that insert many receipts at once (a bank statement's confirm), inside their
# transaction: `receipts` is the list of new Receipt objects, which had no post_save of their own.
receipts_recorded = Signal()

# Sent inside the writer's transaction when the money still waiting in the funds from some receipts
# changed: pieces taken by an allocation or transfer (tracing.take), given back when it is reversed
# (tracing.release), or a receipt reversed. `changes` is a list of (receipt id, amount added); the
# idle-money figure keeps their sum per unit and month received (funds.own_figures.add_waiting).
waiting_changed = Signal()
