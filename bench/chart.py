#!/usr/bin/env python3
"""Draws bench/results.md as bench/results.svg: for each scenario of its
results tables, side A's and side B's TPS as two bars on a log scale (A: with
cachebot, a hit or whatever the scenario measures; B: what it is compared
with: uncached, SELECT 1, pgpool-II...), with the ratio and whether it meets
its target. Run by `bash tools/run.sh bench` after the benchmarks; needs
nothing but python3.

    python3 bench/chart.py [results.md [results.svg]]
"""
import html
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def scenarios(md_path):
    """(section, scenario, tps_a, tps_b, ratio, target, result) per row."""
    rows, section, in_table = [], "durable", False
    with open(md_path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^## .*\[(.+)\]", line)
            if m:
                section = m.group(1)
                continue
            if line.startswith("| scenario | TPS A | TPS B |"):
                in_table = True
                continue
            if not line.startswith("|"):
                in_table = False
                continue
            if not in_table or line.startswith("|---"):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) < 7:
                continue
            name, a, b, ratio, target, _, result = cells[:7]
            try:
                a, b = float(a), float(b)
            except ValueError:
                continue    # a hit-ratio row: no TPS B
            name = re.sub(r" \(.*", "", re.sub(r" \[.*\]$", "", name))
            rows.append((section, name, a, b, ratio, target, result))
    return rows


def svg(rows):
    left, bar_h, gap, width = 470, 9, 8, 1000
    top = 60
    row_h = 2 * bar_h + gap
    height = top + row_h * len(rows) + 50
    lo = min(min(r[2], r[3]) for r in rows)
    hi = max(max(r[2], r[3]) for r in rows)
    lo_exp, hi_exp = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    span = width - left - 150

    def x(v):
        return left + span * (math.log10(v) - lo_exp) / (hi_exp - lo_exp)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           '<text x="10" y="20" font-size="14" font-weight="bold">cachebot benchmarks: '
           'TPS per scenario (log scale)</text>',
           '<rect x="10" y="32" width="12" height="9" fill="#2b7bb9"/>'
           '<text x="26" y="41">A: cachebot (hit, or the scenario\'s cached side)</text>',
           '<rect x="300" y="32" width="12" height="9" fill="#bbbbbb"/>'
           '<text x="316" y="41">B: compared with (uncached, SELECT 1, untracked, pgpool-II)</text>']
    for e in range(lo_exp, hi_exp + 1):
        gx = x(10 ** e)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 40}" '
                   'stroke="#eeeeee"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 26}" text-anchor="middle">'
                   f'{10 ** e:,}</text>')
    for i, (section, name, a, b, ratio, target, result) in enumerate(rows):
        y = top + i * row_h
        label = html.escape(f"[{section}] {name}" if section != "durable" else name)
        if len(label) > 78:
            label = label[:75] + "..."
        out.append(f'<text x="{left - 6}" y="{y + bar_h + 4}" text-anchor="end">{label}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(x(a) - left, 1):.1f}" '
                   f'height="{bar_h}" fill="#2b7bb9"/>')
        out.append(f'<rect x="{left}" y="{y + bar_h}" width="{max(x(b) - left, 1):.1f}" '
                   f'height="{bar_h}" fill="#bbbbbb"/>')
        colour = "#1a7f37" if result == "meets" else "#b42318" if result == "BELOW" else "#555555"
        note = html.escape(f"{ratio} (target {target})" if target not in ("—", "-") else ratio)
        out.append(f'<text x="{max(x(a), x(b)) + 6:.1f}" y="{y + bar_h + 4}" '
                   f'fill="{colour}">{note}</text>')
    out.append(f'<text x="10" y="{height - 8}" fill="#555555">Figures and sides: '
               'bench/results.md. Green: meets its target; red: below it.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    md = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results.md")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "results.svg")
    rows = scenarios(md)
    if not rows:
        sys.exit(f"{md}: no results table with TPS figures")
    with open(out, "w") as f:
        f.write(svg(rows))
    print(f"wrote {out} ({len(rows)} scenarios)")


if __name__ == "__main__":
    main()
