"""The after stage once the report is written: 反馈结果 (feedback to each unit), 评估复核 (appeals decided by a
reviewer, then the final lock) and 整改 (rectification items followed to the end, carried into the next
campaign). Models live here and are registered in the `reports` app (reports/models.py imports them)."""
