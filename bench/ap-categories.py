#!/usr/bin/env python3
"""CPU per request by part of the P3 publish path from async-profiler collapsed files: ap-categories.py FILE REQUESTS [FILE REQUESTS ...] (REQUESTS = req/s x 15 of bench/p3-prof.sh)."""
import sys
from collections import Counter
def cats(path):
    t=0; c=Counter()
    for l in open(path):
        s,_,n=l.rstrip().rpartition(' '); n=int(n); t+=n
        f=s.split(';'); j=s
        if 'GroupCommitter.syncLoop' in j or 'GroupCommitter.leadSync' in j:
            k='sync thread: fsync' if ('OpenFiles.force' in j or 'force0' in j) else 'sync thread: other'
        elif 'GroupCommitter.await' in j: k='request: await'
        elif 'Http1Connection.handle' in j:
            if 'Http1ServerResponse.send' in j: k='request: response write'
            elif 'readPrologue' in j: k='request: read next request'
            elif 'PublishRoutes.publish' in j: k='request: publish handler (excl. write)'
            else: k='request: other Helidon'
        elif 'VirtualThread' in j or 'ForkJoin' in j or 'Continuation' in j: k='VT scheduling (carriers)'
        elif 'Poller' in j: k='poller'
        else: k='other'
        c[k]+=n
    return t,c
paths=sys.argv[1::2]; reqs=[float(x) for x in sys.argv[2::2]]
res=[cats(p) for p in paths]
keys=sorted(set(k for _,c in res for k in c), key=lambda k:-res[0][1][k])
print("µs of CPU per request (async-profiler cpu samples, 1 ms each / requests in the 15 s):")
print(f"{'':42s}"+''.join(f"{p.split('/')[-1][:18]:>20s}" for p in paths))
for k in keys: print(f"{k:42s}"+''.join(f"{1000*c[k]/r:20.2f}" for (t,c),r in zip(res,reqs)))
print(f"{'total':42s}"+''.join(f"{1000*t/r:20.2f}" for (t,c),r in zip(res,reqs)))
