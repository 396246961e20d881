"""State changes of the activities app, by subject: ``signups`` (activities, sign-up, QR check-in
and check-out, confirming hours), ``ledger`` (the one hours ledger, corrections, 双报到 posting,
证明), ``records`` (the record's training, awards and evaluation) and ``points`` (时间银行:
posting and redemption)."""
