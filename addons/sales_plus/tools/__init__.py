# Copyright 2026 Sales Plus developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Database helpers shared by the models: one helper per mechanism.
from .db import (
    LOCK_PRICE_DECISION,
    LOCK_PRICE_REVIEW,
    LOCK_RFM_REGRADE,
    LOCK_STOCK_ALERT_SCAN,
    try_lock,
    tune_transaction,
)

__all__ = [
    "LOCK_PRICE_DECISION",
    "LOCK_PRICE_REVIEW",
    "LOCK_RFM_REGRADE",
    "LOCK_STOCK_ALERT_SCAN",
    "try_lock",
    "tune_transaction",
]
