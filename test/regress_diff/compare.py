#!/usr/bin/env python3
"""Compare the results/*.out of two pg_regress runs, file by file.

    compare.py RULES DIR_X DIR_Y LABEL_X LABEL_Y MAX_LINES [TEST ...]

DIR_X and DIR_Y are pg_regress output directories (their results/ folders are
compared).  TESTs: the tests of the schedule (default: every .out file found on
either side).  RULES is the file of nondeterminism rules (see `unstable` beside
this script):
    exclude TEST                 the file is not compared
    filter TEST|* REGEX          every match of REGEX (Python syntax) in a line
                                 of that test's output is replaced by <filtered>
    sortrows TEST REGEX          the rows of each result table whose header line
                                 matches REGEX are sorted (ties of an ORDER BY
                                 that does not fix the order)
Prints each differing file with a unified diff (at most MAX_LINES lines of it)
and a last line "differing: N"; exits 1 when a file differs, 0 otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile


def load_rules(path):
    excluded, filters, sorts = set(), [], []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            parts = line.split(None, 2)
            if parts[0] == 'exclude' and len(parts) == 2:
                excluded.add(parts[1])
            elif parts[0] == 'filter' and len(parts) == 3:
                filters.append((parts[1], re.compile(parts[2])))
            elif parts[0] == 'sortrows' and len(parts) == 3:
                sorts.append((parts[1], re.compile(parts[2])))
            else:
                sys.exit('%s:%d: cannot read rule: %s' % (path, lineno, line))
    return excluded, filters, sorts


SEPARATOR = re.compile(r'^-+(\+-+)*$')
ROWCOUNT = re.compile(r'^\(\d+ rows?\)$')


def sort_rows(lines, header_rx):
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if (header_rx.search(line) and i + 1 < len(lines) and SEPARATOR.match(lines[i + 1])):
            j = i + 2
            while j < len(lines) and not ROWCOUNT.match(lines[j]):
                j += 1
            if j < len(lines):
                out += [line, lines[i + 1]] + sorted(lines[i + 2:j])
                i = j
                continue
        out.append(line)
        i += 1
    return out


def read_filtered(path, test, filters, sorts):
    if not os.path.exists(path):
        return None
    with open(path, 'rb') as f:
        text = f.read().decode('latin-1')
    mine = [rx for t, rx in filters if t == '*' or t == test]
    my_sorts = [rx for t, rx in sorts if t == '*' or t == test]
    if not mine and not my_sorts:
        return text
    out = []
    for line in text.split('\n'):
        for rx in mine:
            line = rx.sub('<filtered>', line)
        out.append(line)
    for rx in my_sorts:
        out = sort_rows(out, rx)
    return '\n'.join(out)


def main(argv):
    if len(argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    rules, dx, dy, lx, ly, max_lines = argv[1:7]
    max_lines = int(max_lines)
    excluded, filters, sorts = load_rules(rules)
    tests = argv[7:]
    if not tests:
        names = set()
        for d in (dx, dy):
            rd = os.path.join(d, 'results')
            if os.path.isdir(rd):
                names |= {f[:-4] for f in os.listdir(rd) if f.endswith('.out')}
        tests = sorted(names)
    differing = []
    skipped = []
    with tempfile.TemporaryDirectory() as tmp:
        for test in tests:
            if test in excluded:
                skipped.append(test)
                continue
            px = os.path.join(dx, 'results', test + '.out')
            py = os.path.join(dy, 'results', test + '.out')
            tx = read_filtered(px, test, filters, sorts)
            ty = read_filtered(py, test, filters, sorts)
            if tx == ty:
                continue
            differing.append(test)
            print('=' * 78)
            if tx is None or ty is None:
                print('%s: no output in run %s' % (test, lx if tx is None else ly))
                continue
            fx = os.path.join(tmp, 'x')
            fy = os.path.join(tmp, 'y')
            with open(fx, 'wb') as f:
                f.write(tx.encode('latin-1'))
            with open(fy, 'wb') as f:
                f.write(ty.encode('latin-1'))
            d = subprocess.run(['diff', '-U3', '--label', '%s (run %s)' % (test, lx),
                                '--label', '%s (run %s)' % (test, ly), fx, fy],
                               stdout=subprocess.PIPE).stdout.decode('latin-1').split('\n')
            if d and d[-1] == '':
                d.pop()
            nchanged = sum(1 for l in d[2:] if l[:1] in '+-')
            print('%s: %d lines differ (%s vs %s)' % (test, nchanged, lx, ly))
            for l in d[:max_lines]:
                print(l)
            if len(d) > max_lines:
                print('... (%d more diff lines)' % (len(d) - max_lines))
    if skipped:
        print('excluded as nondeterministic: %s' % ' '.join(skipped))
    print('differing: %d%s' % (len(differing), (' (' + ' '.join(differing) + ')') if differing else ''))
    return 1 if differing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
