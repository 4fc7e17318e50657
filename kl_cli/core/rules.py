"""The statutes' arithmetic: votes needed to amend them (a fraction, rounded up) and § 4's
voting delegates (one per started block of inhabitants, capped by the council's seats)."""

from __future__ import annotations


def delegates_needed(delegates: int, numerator: int, denominator: int) -> int:
    """Smallest whole number >= delegates * numerator / denominator (integer arithmetic)."""
    return -(-delegates * numerator // denominator)


def voting_delegates(population: int, per_delegate: int, cap: int | None) -> tuple[int, bool]:
    """§ 4: one delegate per started block; returns (delegates, whether the cap applied)."""
    uncapped = -(-population // per_delegate)
    if cap is not None and uncapped > cap:
        return cap, True
    return uncapped, False


def delegates_arithmetic(population: int, per_delegate: int, cap: int | None) -> str:
    """§ 4 written out: '⌈40500 / 8000⌉ = 6', and '; min(6, 31) = 6' with a cap."""
    uncapped = voting_delegates(population, per_delegate, None)[0]
    text = f"⌈{population} / {per_delegate}⌉ = {uncapped}"
    if cap is not None:
        text += f"; min({uncapped}, {cap}) = {voting_delegates(population, per_delegate, cap)[0]}"
    return text
