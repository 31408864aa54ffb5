#!/usr/bin/env python3
"""Top self and inclusive frames of an async-profiler collapsed file: ap-top.py FILE [N] [PATTERN...]."""
import sys
from collections import Counter
path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
self_, incl, total = Counter(), Counter(), 0
for line in open(path):
    stack, _, count = line.rstrip('\n').rpartition(' ')
    if not stack:
        continue
    c = int(count)
    total += c
    frames = stack.split(';')
    self_[frames[-1]] += c
    for f in set(frames):
        incl[f] += c
print(f"# {total} samples")
print("## self")
for f, c in self_.most_common(n):
    print(f"{100 * c / total:5.1f}% {f}")
print("## inclusive (storelog and Helidon/Jackson frames)")
shown = 0
for f, c in incl.most_common():
    if any(p in f for p in ('storelog', 'helidon', 'jackson')):
        print(f"{100 * c / total:5.1f}% {f}")
        shown += 1
        if shown == n:
            break
