"""The panorama as a one-page poster: an SVG drawn here (deterministic), PNG and PDF through cairosvg."""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape

from vvalley.render.panorama import STATUS, SHARE_BANDS
from vvalley.sanitize import for_xml

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
# (width, height) in SVG user units; the physical size the SVG declares; PNG width.
SIZES = {
    "16x9": {"box": (1920, 1080), "physical": ("1920px", "1080px"), "png": 1920},
    "a3": {"box": (1587, 1123), "physical": ("420mm", "297mm"), "png": 3174},
}
FORMATS = ("svg", "png", "pdf")
MARGIN = 24
TITLE_H = 64
LEGEND_H = 26
FOOTER_H = 26
COLUMN_GAP = 12
FOCUS_SHARE = 0.14          # width share of the focus-area column
SCALES = (15, 14, 13, 12, 11, 10, 9, 8, 7)   # font sizes tried, largest that fits wins
FIRM_LINES = 2              # lines of firm names in a box


def escape(text: str, entities: dict | None = None) -> str:
    """Text for SVG: what XML 1.0 cannot hold removed (vvalley.sanitize.for_xml), then escaped."""
    return _escape(for_xml(text), entities or {})


def text_width(text: str, size: float) -> float:
    """Approximate drawn width: a CJK character is one em, other characters about 0.56 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.56 for ch in text)


def fit(text: str, size: float, width: float) -> str:
    """`text`, cut with '…' to fit `width`."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def wrap_names(names: list[str], size: float, width: float, lines: int) -> list[str]:
    """Names joined by '、' over at most `lines` lines, the last ending '+N' when some do not fit."""
    rows, current, i = [], "", 0
    while i < len(names) and len(rows) < lines:
        piece = names[i] if not current else "、" + names[i]
        if text_width(current + piece, size) <= width:
            current += piece
            i += 1
        elif not current:
            current = fit(names[i], size, width)
            i += 1
        else:
            rows.append(current)
            current = ""
    if current and len(rows) < lines:
        rows.append(current)
    left = len(names) - i
    if left and rows:
        tail = f" +{left}"
        rows[-1] = fit(rows[-1], size, width - text_width(tail, size)).rstrip("…") + tail
    return rows


@dataclass
class _Svg:
    parts: list[str]

    def rect(self, x, y, w, h, fill, stroke="none", width=1.0, dash=None, rx=3):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}" '
                          f'stroke="{stroke}" stroke-width="{width}"{d}/>')

    def text(self, x, y, s, size, fill="#263238", weight="normal", anchor="start"):
        a = f' text-anchor="{anchor}"' if anchor != "start" else ""
        w = ' font-weight="bold"' if weight == "bold" else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}"{w}{a}>{escape(s)}</text>')


def poster_svg(pano: dict, title_zh: str, title_en: str, meta, generated: str, size: str = "16x9") -> str:
    """The poster as SVG text: title, region, as-of date, legend, the columns, source line, generated-on date."""
    if size not in SIZES:
        raise ValueError(f"unknown poster size {size!r}; expected one of {', '.join(SIZES)}")
    width, height = SIZES[size]["box"]
    pw, ph = SIZES[size]["physical"]
    svg = _Svg([])
    svg.rect(0, 0, width, height, "#ffffff", rx=0)
    # Title band.
    svg.rect(0, 0, width, TITLE_H, "#263238", rx=0)
    svg.text(MARGIN, 40, title_zh, 28, "#ffffff", "bold")
    svg.text(MARGIN + text_width(title_zh, 28) + 16, 40, title_en, 16, "#cfd8dc")
    right = [f"数据截至 {meta.as_of}" if meta.as_of else "", f"生成于 {generated}" if generated else ""]
    svg.text(width - MARGIN, 28, right[0] or "", 14, "#ffffff", anchor="end")
    svg.text(width - MARGIN, 50, right[1], 14, "#cfd8dc", anchor="end")
    _legend(svg, MARGIN, TITLE_H + 18)
    top = TITLE_H + LEGEND_H + 8
    bottom = height - FOOTER_H
    columns = pano["columns"]
    focus_w = (width - 2 * MARGIN) * FOCUS_SHARE if pano["focus"] else 0
    room_w = width - 2 * MARGIN - focus_w - COLUMN_GAP * len(columns)
    layout = _choose(columns, room_w, bottom - top - 30)
    x = MARGIN
    for col, col_w, per_row in zip(columns, layout["widths"], layout["per_row"]):
        _column(svg, col, x, top, col_w, {**layout, "per_row": per_row})
        x += col_w + COLUMN_GAP
    if pano["focus"]:
        _focus(svg, pano["focus"], x, top, focus_w)
    source = meta.source_zh or "数据：vvalley 数据集"
    svg.text(MARGIN, height - 9, fit(source, 12, width * 0.7), 12, "#455a64")
    svg.text(width - MARGIN, height - 9, f"vvalley · {title_en}", 12, "#455a64", anchor="end")
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{pw}" height="{ph}" viewBox="0 0 {width} {height}" '
            f'font-family="{FONT}" role="img">')
    label = f"<title>{escape(title_zh)} · {escape(title_en)}</title>"
    return head + label + "".join(svg.parts) + "</svg>\n"


def _legend(svg: _Svg, x: float, y: float) -> None:
    for key, (zh, en, fill, border, _) in STATUS.items():
        svg.rect(x, y - 13, 18, 17, border, rx=3)
        svg.text(x + 9, y, zh, 12, "#ffffff", "bold", anchor="middle")
        label = {"covered": "本地企业足够", "weak": "本地企业不足", "missing": "本地无企业"}[key]
        svg.text(x + 24, y, label, 12)
        x += 24 + text_width(label, 12) + 16
    for text, stroke, dash in (("本地企业", "#1565c0", None), ("招商目标", "#6a1b9a", "3 2")):
        svg.rect(x, y - 13, text_width(text, 12) + 12, 17, "#ffffff", stroke, 1, dash, rx=8)
        svg.text(x + 6, y, text, 12, stroke)
        x += text_width(text, 12) + 28
    svg.rect(x, y - 13, 30, 17, "#c62828", rx=3)
    svg.text(x + 15, y, "断链", 12, "#ffffff", "bold", anchor="middle")
    svg.text(x + 36, y, "只有一端在本地", 12)
    x += 36 + text_width("只有一端在本地", 12) + 16
    for _, colour, zh, _ in SHARE_BANDS:
        svg.rect(x, y - 13, 18, 17, colour, rx=3)
        svg.text(x + 9, y, zh, 12, "#ffffff", "bold", anchor="middle")
        x += 22
    svg.text(x + 4, y, "大类按覆盖比例着色", 12)


def _box_height(size: float) -> float:
    return size * (1.5 + 1.3 * FIRM_LINES + 1.3) + 8


def _group_height(size: float) -> float:
    return size * 1.7 + 6


def _choose(columns: list[dict], room_w: float, room: float) -> dict:
    """The largest font size at which every column fits, with the boxes per row of each column and its width.

    A column needs as many boxes per row as make it short enough; each box at least nine characters wide.
    Widths left over are shared out in proportion to what each column needs. Groups only if nothing fits.
    """
    n = max(len(columns), 1)
    for size in SCALES:
        least = size * 9 + 4
        rows = []
        for col in columns:
            k = next((k for k in range(1, 13) if _col_height(col, size, k) <= room), None)
            if k is None:
                break
            rows.append(k)
        else:
            needed = [k * least for k in rows]
            if sum(needed) <= room_w:
                extra = (room_w - sum(needed)) / n
                widths = [w + extra for w in needed]
                return {"size": size, "per_row": rows, "widths": widths, "groups_only": False}
    groups = max((len(col["groups"]) for col in columns), default=1)
    col_w = room_w / n
    for cell in (22, 18, 15, 12, 10, 8, 6):
        per_row = max(1, int((col_w - 12) // (cell + 2)))
        tallest = max(sum(14 * 1.9 + math.ceil(len(g["leaves"]) / per_row) * (cell + 2) + 8 for g in col["groups"])
                      for col in columns)
        if tallest <= room:
            break
    return {"size": 14 if groups * 40 <= room else 10, "per_row": [1] * n, "widths": [col_w] * n,
            "groups_only": True, "cell": cell}


def _col_height(col: dict, size: float, per_row: int) -> float:
    return sum(_group_height(size) + math.ceil(len(g["leaves"]) / per_row) * (_box_height(size) + 4) + 6
               for g in col["groups"])


def _column(svg: _Svg, col: dict, x: float, y: float, w: float, layout: dict) -> None:
    svg.rect(x, y, w, 26, "#37474f")
    roots = " · ".join(r["name_zh"] for r in col["roots"])
    svg.text(x + 8, y + 19, f"{col['title_zh']}  {roots}".strip(), 16, "#ffffff", "bold")
    y += 32
    size, per_row = layout["size"], layout["per_row"]
    for g in col["groups"]:
        if layout["groups_only"]:
            y = _group_summary(svg, g, x, y, w, size, layout["cell"])
            continue
        gh = _group_height(size)
        svg.rect(x, y, w, gh, "#eceff1")
        svg.rect(x, y, 5, gh, g["colour"], rx=0)
        badge = f"{g['band_zh']} {g['covered']}/{g['count']}"
        bw = text_width(badge, size) + 8
        svg.text(x + 10, y + gh - 0.5 * size, fit(g["name_zh"], size, w - bw - 24), size, weight="bold")
        svg.rect(x + w - bw - 4, y + 3, bw, gh - 6, g["colour"])
        svg.text(x + w - bw / 2 - 4, y + gh - 0.5 * size, badge, size * 0.9, "#ffffff", "bold", anchor="middle")
        y += gh + 3
        bw_box = (w - (per_row - 1) * 4) / per_row
        bh = _box_height(size)
        for i, box in enumerate(g["leaves"]):
            bx = x + (i % per_row) * (bw_box + 4)
            by = y + (i // per_row) * (bh + 4)
            _box(svg, box, bx, by, bw_box, bh, size)
        y += math.ceil(len(g["leaves"]) / per_row) * (bh + 4) + 6


def _box(svg: _Svg, box: dict, x: float, y: float, w: float, h: float, size: float) -> None:
    dash = "5 3" if box["status"] == "missing" else None
    # Every firm is named in the box's title (a tooltip), also those past the "+N" the box draws.
    everyone = "、".join(box.get("firm_names", [])) or "本地无企业"
    wanted = "、".join(c["name_zh"] for c in box.get("candidates", []))
    everyone += f"；招商目标：{wanted}" if wanted else ""
    svg.parts.append(f'<g data-poster-segment="{escape(box["id"], {chr(34): "&quot;"})}"><title>{escape(box["name_zh"])}：{escape(everyone)}</title>')
    svg.rect(x, y, w, h, box["fill"], box["border"], 2 if dash else 1.5, dash)
    svg.rect(x + 3, y + 3, size * 1.25, size * 1.35, box["border"], rx=2)
    svg.text(x + 3 + size * 0.625, y + 3 + size * 1.05, box["word_zh"], size * 0.9, "#ffffff", "bold", anchor="middle")
    inner = w - 8
    svg.text(x + size * 1.25 + 7, y + 3 + size * 1.05, fit(box["name_zh"], size, inner - size * 1.25 - 2),
             size, box["ink"], "bold")
    line_y = y + 3 + size * 1.05 + size * 1.3
    # Drawn by the short names people use (海康机器人); the full legal names are in the title above.
    firms = box.get("firm_short") or box.get("firm_names", [])
    rows = wrap_names(firms, size * 0.85, inner, FIRM_LINES) if firms else []
    for row in rows:
        svg.text(x + 4, line_y, row, size * 0.85, "#0d47a1")
        line_y += size * 1.3
    if not rows:
        svg.text(x + 4, line_y, "本地无企业", size * 0.85, "#8e0000")
        line_y += size * 1.3 * FIRM_LINES
    else:
        line_y += size * 1.3 * (FIRM_LINES - len(rows))
    cands = [c.get("short_zh") or c["name_zh"] for c in box.get("candidates", [])]
    if cands:
        svg.text(x + 4, line_y, fit("招商：" + "、".join(cands), size * 0.85, inner), size * 0.85, "#4a148c")
    elif box.get("marks"):
        m = box["marks"][0]
        svg.text(x + 4, line_y, fit(f"{m['word_zh']} {m['arrow']} {m['name_zh']}", size * 0.85, inner),
                 size * 0.85, "#b71c1c")
    svg.parts.append("</g>")


def _group_summary(svg: _Svg, g: dict, x: float, y: float, w: float, size: float, cell: float) -> float:
    """A group as its header line and one small cell per segment, coloured and lettered by status
    (when the boxes cannot all fit the page)."""
    per_row = max(1, int((w - 12) // (cell + 2)))
    rows = math.ceil(len(g["leaves"]) / per_row)
    h = size * 1.9 + rows * (cell + 2) + 4
    # The boxes are not drawn: the group's title names each segment and its firms.
    listing = "；".join(f"{box['name_zh']}：{'、'.join(box.get('firm_names', [])) or '本地无企业'}" for box in g["leaves"])
    svg.parts.append(f'<g data-poster-group="{escape(g["id"], {chr(34): "&quot;"})}"><title>{escape(listing)}</title>')
    svg.rect(x, y, w, h, "#ffffff", "#cfd8dc", 1)
    svg.rect(x, y, 5, h, g["colour"], rx=0)
    badge = f"{g['band_zh']} {g['covered']}/{g['count']}"
    text = f"{g['name_zh']}  {g['firms']} 家企业 · {g['gaps']} 个缺口"
    svg.text(x + 10, y + size * 1.35, fit(text, size, w - text_width(badge, size) - 24), size, weight="bold")
    svg.text(x + w - 6, y + size * 1.35, badge, size, g["colour"], "bold", anchor="end")
    for i, box in enumerate(g["leaves"]):
        cx = x + 10 + (i % per_row) * (cell + 2)
        cy = y + size * 1.9 + (i // per_row) * (cell + 2)
        dash = "3 2" if box["status"] == "missing" else None
        svg.rect(cx, cy, cell, cell, box["fill"], box["border"], 1.2, dash, rx=2)
        if cell >= 12:
            svg.text(cx + cell / 2, cy + cell * 0.72, box["word_zh"], cell * 0.6, box["ink"], "bold", anchor="middle")
    svg.parts.append("</g>")
    return y + h + 4


def _focus(svg: _Svg, focus: list[dict], x: float, y: float, w: float) -> None:
    svg.rect(x, y, w, 26, "#37474f")
    svg.text(x + 8, y + 19, "聚焦方向", 16, "#ffffff", "bold")
    y += 34
    for f in focus:
        svg.rect(x, y, w, 74, "#ffffff", "#cfd8dc", 1)
        svg.rect(x, y, w, 4, f["colour"], rx=0)
        svg.text(x + 8, y + 24, fit(f["name_zh"], 15, w - 16), 15, weight="bold")
        svg.rect(x + 8, y + 34, w - 16, 9, "#eceff1", rx=4)
        svg.rect(x + 8, y + 34, (w - 16) * f["coverage"], 9, f["colour"], rx=4)
        svg.text(x + 8, y + 62, fit(f"覆盖 {f['covered']}/{f['segments']} 环节 {f['coverage']:.0%}", 12, w - 16), 12,
                 "#455a64")
        y += 82


def poster(pano: dict, title_zh: str, title_en: str, meta, generated: str, size: str = "16x9") -> str:
    """`poster_svg` with each box's firm names filled in from the panorama's actors."""
    actors = pano["actors"]
    for col in pano["columns"]:
        for g in col["groups"]:
            for box in g["leaves"]:
                box["firm_names"] = [actors[f]["name_zh"] for f in box["firms"]]
                box["firm_short"] = [actors[f].get("short_zh") or actors[f]["name_zh"] for f in box["firms"]]
    return poster_svg(pano, title_zh, title_en, meta, generated, size)


def convert(svg: str, fmt: str, size: str = "16x9") -> bytes:
    """The SVG as PNG (at least 1920 px wide) or PDF bytes, drawn by cairosvg; SVG as UTF-8 bytes."""
    if fmt == "svg":
        return svg.encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unknown poster format {fmt!r}; expected one of {', '.join(FORMATS)}")
    try:
        import cairosvg
    except (ImportError, OSError) as err:  # cairosvg is a core dependency; the cairo C library may be missing
        from vvalley.chain.problems import UserError

        raise UserError("PNG and PDF posters need cairosvg and the cairo library: pip install cairosvg; "
                        "on Debian/Ubuntu apt-get install libcairo2 (or ask for --format svg)",
                        "PNG 和 PDF 海报需要 cairosvg 和 cairo 库：pip install cairosvg；Debian/Ubuntu 上 "
                        "apt-get install libcairo2（或改用 --format svg）") from err
    if fmt == "png":
        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=SIZES[size]["png"])
    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))

