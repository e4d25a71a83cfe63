"""Safety: guarding against what untrusted input and publication could do.

Size and shape limits checked before a file is read, descriptor paths that stay in their folder,
atomic writes (`guards`); statistical disclosure control (`disclosure`); spreadsheet formula injection
(`injection`).

May import: `catalogue`, `errors`, `settings`.
"""
