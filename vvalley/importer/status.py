"""A firm's registration status (注销 / 吊销 are not active) and its founding year."""

from __future__ import annotations

import datetime
import re

# 吊销 first: "吊销，未注销" is revoked, not cancelled
INACTIVE = {"吊销": ("吊销", "licence revoked (吊销)"), "注销": ("注销", "cancelled (注销)")}
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def skip_reason(status: str) -> tuple[str, str] | None:
    """(Chinese, English) reason to leave the firm out, or None when it is active."""
    for word, (zh, en) in INACTIVE.items():
        if word in (status or ""):
            return f"登记状态为{zh}（{status}）", f"registration status {en}: {status}"
    return None


def founding_year(value: str) -> int | None:
    """The year of a 成立日期 as platforms and Excel write it (2015-03-12, 2015/3/12, 2015年3月, an Excel serial)."""
    value = (value or "").strip()
    if not value:
        return None
    match = YEAR_RE.search(value)
    if match:
        return int(match.group(1))
    if re.fullmatch(r"\d{4,5}(\.\d+)?", value):  # an Excel date serial left as a number
        day = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(value)))
        if 1800 <= day.year <= 2100:
            return day.year
    return None
