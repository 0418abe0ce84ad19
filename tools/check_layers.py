#!/usr/bin/env python3
"""Keeps cachebot's modules layered: dependencies between src/ modules point
one way, and every symbol the library exports carries the cachebot_ prefix.

A module is a pair src/NAME.c / src/NAME.h. Two graphs are checked for
cycles: the include graph (NAME.c or NAME.h includes "OTHER.h") and, when
the objects are built, the call graph read from them with nm (NAME.o uses a
symbol OTHER.o defines). Both must also follow the order of the module map
in docs/design.md ("## Modules"): a module depends only on modules listed
before it, and every module is listed. Exits non-zero, naming the cycle,
the edge or the symbol, on any violation.

    python3 tools/check_layers.py [--print]
"""
import glob
import os
import re
import subprocess
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
# What PostgreSQL looks up by name in a loaded library.
EXPORT_OK = re.compile(r"^(cachebot_\w+|_PG_init|Pg_magic_func|pg_finfo_cachebot_\w+)$")


def module_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def include_graph():
    graph = {}
    for path in glob.glob(os.path.join(SRC, "*.[ch]")):
        mod = module_of(path)
        graph.setdefault(mod, set())
        with open(path) as f:
            for line in f:
                m = re.match(r'\s*#\s*include\s+"([^"/]+)\.h"', line)
                if m and os.path.exists(os.path.join(SRC, m.group(1) + ".h")) \
                        and m.group(1) != mod:
                    graph[mod].add(m.group(1))
    return graph


def symbol_graph():
    objects = glob.glob(os.path.join(SRC, "*.o"))
    if not objects:
        return None, []
    defined, used = {}, {}
    for obj in objects:
        mod = module_of(obj)
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        defined[mod], used[mod] = set(), set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRCG":
                defined[mod].add(parts[2])
            elif len(parts) == 2 and parts[0] == "U":
                used[mod].add(parts[1])
    owner = {sym: mod for mod, syms in defined.items() for sym in syms}
    graph = {mod: {owner[s] for s in syms if s in owner and owner[s] != mod}
             for mod, syms in used.items()}
    unprefixed = sorted(f"{mod}.o: {sym}" for mod, syms in defined.items()
                        for sym in syms if not EXPORT_OK.match(sym))
    return graph, unprefixed


def documented_order():
    """Module name -> position in docs/design.md's module map."""
    path = os.path.join(SRC, "..", "docs", "design.md")
    order, in_section, pos = {}, False, 0
    with open(path) as f:
        for line in f:
            if line.startswith("## "):
                in_section = line.strip() == "## Modules"
                continue
            if in_section and line.startswith("- "):
                head = line[2:].split(":", 1)[0]
                for name in re.findall(r"`(\w+)`", head):
                    order[name] = pos
                pos += 1
    return order


def find_cycle(graph):
    """A cycle as a list of modules, or None (iterative DFS)."""
    color = {v: 0 for v in graph}
    for root in sorted(graph):
        if color[root]:
            continue
        stack = [(root, iter(sorted(graph[root])))]
        path = [root]
        color[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                color[node] = 2
                stack.pop()
                path.pop()
            elif color.get(child, 0) == 1:
                return path[path.index(child):] + [child]
            elif color.get(child, 0) == 0:
                color[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, ())))))
    return None


def layers(graph):
    """Each module's height: 0 for a module that depends on no other."""
    height = {}

    def h(v):
        if v not in height:
            height[v] = 1 + max((h(w) for w in graph.get(v, ())), default=-1)
        return height[v]
    for v in graph:
        h(v)
    return height


def main():
    failed = False
    includes = include_graph()
    cycle = find_cycle(includes)
    if cycle:
        print("include cycle: " + " -> ".join(cycle))
        failed = True
    calls, unprefixed = symbol_graph()
    if calls is None:
        print("no objects in src/ (build first): call graph not checked")
    else:
        cycle = find_cycle(calls)
        if cycle:
            print("call cycle: " + " -> ".join(cycle))
            failed = True
        for line in unprefixed:
            print("exported without the cachebot_ prefix: " + line)
            failed = True
    order = documented_order()
    merged = {m: includes.get(m, set()) | (calls or {}).get(m, set()) for m in includes}
    for mod in sorted(merged):
        if mod not in order:
            print(f"module {mod} is missing from the module map in docs/design.md")
            failed = True
            continue
        for dep in sorted(merged[mod]):
            if order.get(dep, -1) >= order[mod]:
                print(f"{mod} depends on {dep}, listed at or after it in docs/design.md")
                failed = True
    if "--print" in sys.argv and not failed:
        height = layers(merged)
        for level in range(max(height.values()) + 1):
            mods = sorted(m for m in height if height[m] == level)
            print(f"{level}: " + " ".join(f"{m} -> {','.join(sorted(merged[m])) or '-'}" for m in mods))
    if failed:
        sys.exit(1)
    print("src/ modules: no include or call cycle, dependencies follow docs/design.md's "
          "module map, every exported symbol is prefixed")


if __name__ == "__main__":
    main()
