#!/usr/bin/env python3
"""Copy psql scripts so that every top-level SELECT statement runs twice.

    dup_selects.py SRC_DIR DST_DIR [NAME ...]     (default: every SRC_DIR/*.sql)
    dup_selects.py --split FILE                   (debug: print the statements found)
    dup_selects.py --self-test                    (the splitter's own tests)

Used by test/regress_diff.sh (runs C and D): run twice, a cacheable SELECT is
served the second time from cachebot's cache, so its output must equal the
first's.  Both runs of the pair use the transformed files, so the side effects
of running a statement twice (a second nextval(), a second error) are the same
on both sides.

The splitter follows psql's own lexer (src/fe_utils/psqlscan.l) closely
enough to find the statements psql sends:
  * a statement ends at a semicolon outside quotes, comments and parentheses,
    and outside a BEGIN ... END body of CREATE [OR REPLACE] FUNCTION/PROCEDURE
    (psql's heuristic, copied);
  * '...' strings ('' doubles a quote; backslash escapes when
    standard_conforming_strings is off, tracked from SET/RESET statements),
    E'...' strings (backslash escapes), B'' X'' N'' U&'' strings, "quoted
    identifiers" and U&"...", $tag$ dollar quotes $tag$ (not $1 parameters,
    not a $ inside an identifier), -- comments, nested /* */ comments;
  * a backslash outside quotes starts a psql meta-command that runs to the end
    of the line; a line of meta-commands is copied as it is; a statement ended
    by \\g, \\gx, \\gset, \\gexec, \\gdesc, \\crosstabview or \\watch, or containing
    any other backslash command or \\; is left alone;
  * after COPY ... FROM STDIN (also inside a \\; multi-statement string, once
    per COPY) and \\copy ... from stdin|pstdin, the data lines up to a line
    \\. are copied verbatim;
  * psql variables (:x, :'x', :"x") are left as they are: the duplicate
    expands them the same way.
Only statements whose first keyword is SELECT, or WITH, VALUES or TABLE
without INSERT, UPDATE, DELETE or MERGE in them, and without INTO (SELECT INTO
creates a table, so a second run would only fail), are duplicated: the exact
text psql sends (from the first character that is not white space or a --
comment to the semicolon) is repeated on a new line after the semicolon, so
the second run sends the same query string.

Files are handled as bytes (latin-1 round trip), like psql's byte lexer.
"""
import os
import re
import sys

SEND_CMDS = {'g', 'gx', 'gset', 'gexec', 'gdesc', 'crosstabview', 'watch'}
RESET_CMDS = {'r', 'reset'}
DUP_FIRST = {'SELECT', 'WITH', 'VALUES', 'TABLE'}
WRITE_WORDS = {'INSERT', 'UPDATE', 'DELETE', 'MERGE'}

IDENT_START = re.compile(r'[A-Za-z_\x80-\xff]')
IDENT = re.compile(r'[A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*')
DOLQ = re.compile(r'\$(?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?\$')
META_NAME = re.compile(r'[A-Za-z0-9_?!.]*')
WS = ' \t\n\r\f\v'


class Statement:
    def __init__(self, start):
        self.start = start          # first significant character
        self.end = None             # index just past the terminating ';'
        self.words = []             # [(UPPER identifier, paren depth)] of the current \; segment
        self.segments = []          # word lists of earlier \; segments
        self.meta = None            # why the statement must not be duplicated
        self.text = None

    def all_segments(self):
        return self.segments + [self.words]


def copy_from_stdin(words):
    """COPY ... FROM STDIN at the statement's own level."""
    if not words or words[0][0] != 'COPY':
        return False
    base = words[0][1]
    for k in range(len(words) - 1):
        if words[k] == ('FROM', base) and words[k + 1] == ('STDIN', base):
            return True
    return False


def decide(stmt):
    """None if the statement is duplicated, else the reason it is not."""
    if stmt.meta:
        return stmt.meta
    words = stmt.words
    if not words:
        return 'no keyword'
    first = words[0][0]
    if first not in DUP_FIRST:
        return 'not a query'
    names = {w for w, _ in words}
    if 'INTO' in names:
        return 'SELECT INTO'
    if first != 'SELECT' and names & WRITE_WORDS:
        return 'data-modifying'
    return None


class Splitter:
    def __init__(self, text):
        self.s = text
        self.n = len(text)
        self.std_strings = True
        self.statements = []        # every statement ended by ';' (and a final unterminated one)
        self.copy_blocks = []       # (start, end) of COPY data blocks

    # -- pieces of the lexer; each returns the index just past what it read --
    def skip_line_comment(self, i):
        j = self.s.find('\n', i)
        return self.n if j < 0 else j

    def skip_block_comment(self, i):
        s, depth, i = self.s, 0, i + 2
        while i < self.n:
            if s.startswith('/*', i):
                depth += 1
                i += 2
            elif s.startswith('*/', i):
                if depth == 0:
                    return i + 2
                depth -= 1
                i += 2
            else:
                i += 1
        return self.n

    def skip_string(self, i, escapes):
        """i at the opening quote; '' and quote continuation count as one literal."""
        s = self.s
        i += 1
        while i < self.n:
            c = s[i]
            if escapes and c == '\\':
                i += 2
                continue
            if c == "'":
                if i + 1 < self.n and s[i + 1] == "'":
                    i += 2
                    continue
                return i + 1
            i += 1
        return self.n

    def skip_quoted_ident(self, i):
        s = self.s
        i += 1
        while i < self.n:
            if s[i] == '"':
                if i + 1 < self.n and s[i + 1] == '"':
                    i += 2
                    continue
                return i + 1
            i += 1
        return self.n

    def skip_dollar(self, i, delim):
        j = self.s.find(delim, i + len(delim))
        return self.n if j < 0 else j + len(delim)

    def skip_copy_data(self, i, count):
        """i at the start of a line: skip `count` data blocks, each ending with a line \\."""
        s = self.s
        for _ in range(count):
            start = i
            while i < self.n:
                j = s.find('\n', i)
                line_end = self.n if j < 0 else j
                line = s[i:line_end]
                i = self.n if j < 0 else j + 1
                if line in ('\\.', '\\.\r'):
                    break
            self.copy_blocks.append((start, i))
        return i

    # -- the statement loop --
    def run(self):
        s, n = self.s, self.n
        i = 0
        st = None                   # the statement being collected, or None: buffer empty
        paren = 0
        begin_depth = 0
        ident_count = 0
        idents = ['', '', '', '']
        pending_copies = 0          # data blocks that start at the next line

        def start(at):
            nonlocal st
            if st is None:
                st = Statement(at)

        def reset_lexer():
            nonlocal paren, begin_depth, ident_count
            paren = 0
            begin_depth = 0
            ident_count = 0

        while i < n:
            c = s[i]
            if c == '\n':
                i += 1
                if pending_copies:
                    i = self.skip_copy_data(i, pending_copies)
                    pending_copies = 0
                continue
            if c in WS:
                i += 1
                continue
            if s.startswith('--', i):
                i = self.skip_line_comment(i)
                continue
            if s.startswith('/*', i):
                start(i)
                i = self.skip_block_comment(i)
                continue
            if c == "'":
                start(i)
                i = self.skip_string(i, not self.std_strings)
                continue
            if c == '"':
                start(i)
                i = self.skip_quoted_ident(i)
                continue
            if c == '$':
                start(i)
                m = DOLQ.match(s, i)
                if m:
                    i = self.skip_dollar(i, m.group(0))
                else:
                    i += 1
                continue
            if IDENT_START.match(c):
                start(i)
                m = IDENT.match(s, i)
                word = m.group(0)
                j = m.end()
                nxt = s[j] if j < n else ''
                low = word.lower()
                if nxt == "'" and low in ('e', 'b', 'x', 'n'):
                    if low == 'e':
                        i = self.skip_string(j, True)
                    elif low == 'n':
                        i = self.skip_string(j, not self.std_strings)
                    else:
                        i = self.skip_string(j, False)
                    continue
                if low == 'u' and s.startswith("&'", j):
                    i = self.skip_string(j + 1, False)
                    continue
                if low == 'u' and s.startswith('&"', j):
                    i = self.skip_quoted_ident(j + 1)
                    continue
                # psql's BEGIN ... END tracking for CREATE [OR REPLACE] FUNCTION/PROCEDURE
                if ident_count == 0:
                    idents = ['', '', '', '']
                if low in ('create', 'function', 'procedure', 'or', 'replace') and ident_count < 4:
                    idents[ident_count] = low[0]
                ident_count += 1
                if (idents[0] == 'c' and
                        (idents[1] in ('f', 'p') or
                         (idents[1] == 'o' and idents[2] == 'r' and idents[3] in ('f', 'p'))) and
                        paren == 0):
                    if low == 'begin':
                        begin_depth += 1
                    elif low == 'case':
                        if begin_depth >= 1:
                            begin_depth += 1
                    elif low == 'end':
                        if begin_depth > 0:
                            begin_depth -= 1
                st.words.append((word.upper(), paren))
                i = j
                continue
            if c == '(':
                start(i)
                paren += 1
                i += 1
                continue
            if c == ')':
                start(i)
                if paren > 0:
                    paren -= 1
                i += 1
                continue
            if c == ';':
                start(i)
                i += 1
                if paren == 0 and begin_depth == 0:
                    st.end = i
                    st.text = s[st.start:i]
                    self.statements.append(st)
                    pending_copies += sum(1 for w in st.all_segments() if copy_from_stdin(w))
                    self.note_settings(st)
                    st = None
                    reset_lexer()
                continue
            if c == '\\':
                if i + 1 < n and s[i + 1] in ';:':
                    # \; and \: put a ';' or ':' in the query buffer
                    start(i)
                    st.meta = st.meta or 'contains \\' + s[i + 1]
                    if s[i + 1] == ';':
                        ident_count = 0
                        st.segments.append(st.words)
                        st.words = []
                    i += 2
                    continue
                name = META_NAME.match(s, i + 1).group(0)
                eol = self.skip_line_comment(i)
                args = s[i + 1 + len(name):eol]
                if st is not None:
                    if name in SEND_CMDS or name in RESET_CMDS:
                        # the buffer is sent (or dropped) by the meta-command
                        st.meta = '\\' + name
                        st.end = i
                        st.text = s[st.start:i]
                        self.statements.append(st)
                        if name in SEND_CMDS:
                            pending_copies += sum(1 for w in st.all_segments() if copy_from_stdin(w))
                        st = None
                        reset_lexer()
                    else:
                        st.meta = st.meta or 'contains \\' + name
                else:
                    if name == 'copy' and re.search(r'\bfrom\s+p?stdin\b', args, re.I):
                        pending_copies += 1
                    if name in ('c', 'connect'):
                        self.std_strings = True
                i = eol
                continue
            # any other character (operators, digits, commas, ':' ...)
            start(i)
            i += 1
        if st is not None:
            st.end = n
            st.text = s[st.start:n]
            st.meta = st.meta or 'unterminated at end of file'
            self.statements.append(st)
        return self.statements

    def note_settings(self, st):
        """Follow standard_conforming_strings, as psql does from the server's reports."""
        words = [w for w, _ in st.words]
        if len(words) >= 2 and words[0] in ('SET', 'RESET'):
            rest = words[1:]
            if rest and rest[0] in ('SESSION', 'LOCAL'):
                rest = rest[1:]
            if not rest or rest[0] != 'STANDARD_CONFORMING_STRINGS':
                return
            if words[0] == 'RESET':
                self.std_strings = True
                return
            m = re.search(r"standard_conforming_strings\s*(?:=|\bto\b)\s*'?(\w+)", st.text, re.I)
            if m:
                v = m.group(1).lower()
                if v in ('off', 'false', 'no', '0'):
                    self.std_strings = False
                elif v in ('on', 'true', 'yes', '1', 'default'):
                    self.std_strings = True


def transform(text):
    sp = Splitter(text)
    stmts = sp.run()
    out = []
    pos = 0
    stats = {'statements': len(stmts), 'duplicated': 0}
    for st in stmts:
        why = decide(st)
        if why is None and st.text.endswith(';'):
            out.append(text[pos:st.end])
            out.append('\n' + st.text)
            pos = st.end
            stats['duplicated'] += 1
    out.append(text[pos:])
    return ''.join(out), stats


def read(path):
    with open(path, 'rb') as f:
        return f.read().decode('latin-1')


SELF_TESTS = [
    # (script, [(statement text, duplicated?)])
    ("SELECT 1;", [("SELECT 1;", True)]),
    ("SELECT 'a;b' AS \"c;d\";", [("SELECT 'a;b' AS \"c;d\";", True)]),
    ("SELECT $$x;y$$, $q$ $$; $q$, $1;", [("SELECT $$x;y$$, $q$ $$; $q$, $1;", True)]),
    ("SELECT E'a\\';b', 'c''d;';", [("SELECT E'a\\';b', 'c''d;';", True)]),
    ("/* a /* b; */ c; */ SELECT 1;", [("/* a /* b; */ c; */ SELECT 1;", True)]),
    ("-- x; y\nSELECT 1; -- z;\n", [("SELECT 1;", True)]),
    ("COPY t FROM stdin;\n1;'2\n\\.\nSELECT 1;", [("COPY t FROM stdin;", False), ("SELECT 1;", True)]),
    ("\\copy t from stdin\nSELECT;'\n\\.\nTABLE t;", [("TABLE t;", True)]),
    ("SELECT 1 \\gset\nSELECT 2 \\; SELECT 3;", [("SELECT 1 ", False), ("SELECT 2 \\; SELECT 3;", False)]),
    ("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nSELECT f();",
     [("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;", False),
      ("SELECT f();", True)]),
    ("SELECT * INTO t2 FROM t;", [("SELECT * INTO t2 FROM t;", False)]),
    ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x;", [("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x;", False)]),
    ("WITH x AS (SELECT 1) SELECT * FROM x;", [("WITH x AS (SELECT 1) SELECT * FROM x;", True)]),
    ("\\echo 'a;\nSELECT 1;", [("SELECT 1;", True)]),
    ("SET standard_conforming_strings = off;\nSELECT 'a\\';b';", [("SET standard_conforming_strings = off;", False), ("SELECT 'a\\';b';", True)]),
    ("(SELECT 1) UNION (SELECT 2);", [("(SELECT 1) UNION (SELECT 2);", True)]),
    ("select foo$bar$baz; from t;", [("select foo$bar$baz;", True), ("from t;", False)]),
    ("SELECT U&'\\' || 'x;';", [("SELECT U&'\\' || 'x;';", True)]),
    ("SELECT (1;\n2);", [("SELECT (1;\n2);", True)]),
    ("SELECT 1", [("SELECT 1", False)]),
]


def self_test():
    bad = 0
    for script, want in SELF_TESTS:
        got = [(st.text, decide(st) is None) for st in Splitter(script).run()]
        if got != want:
            bad += 1
            print('FAIL: %r\n  got  %r\n  want %r' % (script, got, want))
    new, _ = transform("SELECT 1; -- c\nSELECT 2;")
    if new != "SELECT 1;\nSELECT 1; -- c\nSELECT 2;\nSELECT 2;":
        bad += 1
        print('FAIL: transform gave %r' % new)
    print('dup_selects self-test: %d passed, %d failed' % (len(SELF_TESTS) + 1 - bad, bad))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 2 and argv[1] == '--self-test':
        return self_test()
    if len(argv) == 3 and argv[1] == '--split':
        sp = Splitter(read(argv[2]))
        for st in sp.run():
            why = decide(st)
            print('--- [%s] %s' % ('DUP' if why is None else why, st.text.replace('\n', '\n    ')))
        for a, b in sp.copy_blocks:
            print('--- copy data: %d bytes' % (b - a))
        return 0
    if len(argv) < 3:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    names = argv[3:] or sorted(f[:-4] for f in os.listdir(src) if f.endswith('.sql'))
    os.makedirs(dst, exist_ok=True)
    total = {'statements': 0, 'duplicated': 0}
    for name in names:
        text = read(os.path.join(src, name + '.sql'))
        new, stats = transform(text)
        with open(os.path.join(dst, name + '.sql'), 'wb') as f:
            f.write(new.encode('latin-1'))
        for k in total:
            total[k] += stats[k]
    print('dup_selects: %d files, %d statements, %d SELECT statements duplicated'
          % (len(names), total['statements'], total['duplicated']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
