"""The lead-table generator of benches/data.rs, ported to Python for the peer scripts.

A faithful port of `Rng` (SplitMix64: `next`, `below`), the constants `NAMES`, `CITIES`,
`LEAD_COLUMNS` and `lead_row`, so that the Python writer produces exactly the cell values the
Rust `excel-compare write` does (same seed, same draw order).
"""

import datetime

MASK = 0xFFFF_FFFF_FFFF_FFFF

NAMES = ["Budi", "Siti", "Agus", "Dewi", "Andi", "Rina", "Joko", "Sri", "Ahmad", "Nur"]
CITIES = ["Bekasi", "Bogor", "Depok", "Tangerang", "Serang", "Karawang"]
LEAD_COLUMNS = ["id", "name", "phone", "nik", "branch", "plafon", "tenor", "rate", "date", "email"]
TENORS = [6, 12, 18, 24, 36]
BASE_DATE = datetime.date(2026, 1, 1)


class Rng:
    """SplitMix64, as `data::Rng` (wrapping u64 arithmetic emulated with a mask)."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def lead_row(i, rng):
    """One lead row as `data::lead_row(i, rng)`: draws in the same order as the Rust code.

    Returns [id, name, phone, nik, branch, plafon, tenor, rate, date, email] with ints for
    the integer cells, a float for rate and a `datetime.date` for date.
    """
    below = rng.below
    # Rust evaluates `name` and `date` before the vec! literal, then the cells in order.
    name = NAMES[below(10)] + " " + NAMES[below(10)]
    date = BASE_DATE + datetime.timedelta(days=below(300))
    return [
        i + 1,
        name,
        f"08{below(10_000_000_000):010d}",
        f"3201{below(1_000_000_000_000):012d}",
        CITIES[below(6)],
        (below(300) + 10) * 100_000,
        TENORS[below(5)],
        below(3000) / 100.0,
        date,
        f"user{below(1_000_000)}@example.co.id",
    ]
