"""编制周转池: the double-entry ledger of quota ownership (占有权) and right of use (使用权).

models.py (accounts, movements, lines, loans), ledger.py (pure: account keys, balances, invariants),
services.py (the ONE place that posts), selectors.py (reads), views.py/urls.py (pages under /pool/).
"""
