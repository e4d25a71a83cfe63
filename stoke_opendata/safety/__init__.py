"""Safety: guarding against what untrusted input and publication could do.

Size and shape limits checked before a file is read, and descriptor paths checked by the package model's
guard (`guards`); one file written whole or not at all (`atomic`); statistical disclosure control (`disclosure`,
`suppression`); spreadsheet formula injection (`injection`).

May import: `catalogue`, `errors`, `settings`.
"""
