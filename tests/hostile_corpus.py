"""One synthetic hostile corpus for every sink: the valid fixture with control characters, terminal
escape sequences, bidi overrides, XML non-characters, formula and markup payloads in its names,
descriptions, evidence and an extra column. Written by code, since a CSV holding raw ESC bytes is
unreadable in a diff. Everything here is made up (tests/fixtures/valid is synthetic)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"

OSC_TITLE = "\x1b]0;PWNED\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
CSI_C1 = "\x9b31m"  # the one-byte CSI (C1): red in some terminals
BIDI = "\u202e"  # right-to-left override
# Every character a file sink must neutralise; a terminal also must not obey a bidi override.
UNSAFE_CHARS = ["\x1b", "\x07", "\x9b", "\x0b", "\x7f", "\ufffe", "\uffff"]

NAMES = {  # id -> (name, name_zh, description, evidence)
    "reg.cn.zj.hangzhou.xiaoshan": (f"Xiaoshan{OSC_TITLE}{CLEAR}", "萧山区\x07", "", ""),
    "seg.chips.cis": (f"Image sensors{CSI_C1} (CIS){BIDI}\uffff", "图像传感器\ufffe", "", ""),
    "seg.devices.camera": ("Security;=1+1 cameras\x7f", "安防摄像机", "", ""),
    "ent.sensorjp": ("=cmd|' /C calc'!A0", "传感日本\x0b", "a,@SUM(1)\t-2", "fixture;+1"),
    "ent.camco": ("CamCo\x1b[31m", "摄像公司",
                  f"<script>alert(1)</script> [x](javascript:alert(2)) | pipe {CLEAR}", "-2+3\t=HYPERLINK(\"x\")"),
}
NOTE = "\x1b[5mnote;@x\uffff <b>b</b>"  # the extra column's value on every row


def write_corpus(folder: Path) -> Path:
    """The hostile chain in `folder` (created): chain_nodes.csv with an extra `note` column, the valid edges."""
    folder.mkdir(parents=True, exist_ok=True)
    with (VALID / "chain_nodes.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0] + ["note"]
    index = {name: i for i, name in enumerate(header)}
    out = [header]
    for row in rows[1:]:
        row = row + [NOTE]
        if row[0] in NAMES:
            name, name_zh, description, evidence = NAMES[row[0]]
            row[index["name"]], row[index["name_zh"]] = name, name_zh
            if description:
                row[index["description"]] = description
            if evidence:
                row[index["evidence"]] = evidence
        out.append(row)
    with (folder / "chain_nodes.csv").open("w", encoding="utf-8", newline="") as target:
        csv.writer(target, lineterminator="\n").writerows(out)
    shutil.copy(VALID / "chain_edges.csv", folder / "chain_edges.csv")
    return folder


def data_unsafe(text: str, terminal: bool = False) -> list[str]:
    """The corpus's unsafe characters and escape sequences found in `text` (empty when clean); with
    `terminal`, bidi overrides too (a terminal and a CSV cell would obey them; HTML, XML and JSON
    files keep them as text: there they are characters, not controls)."""
    found = [repr(ch) for ch in UNSAFE_CHARS + ([BIDI] if terminal else []) if ch in text]
    found += [repr(seq) for seq in (OSC_TITLE, CLEAR, "\x1b[31m", "\x1b[5m") if seq in text]
    return found
