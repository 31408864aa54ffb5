import collections,glob,sys
# usage: apbreak.py pattern_base ops_base pattern_main ops_main
args=sys.argv[1:]
runs=[(args[i],float(args[i+1])) for i in range(0,len(args),2)]
res=[]
for pat,ops in runs:
    p=glob.glob(pat)[0]
    c=collections.Counter(); tot=0
    for line in open(p):
        s,_,n=line.rstrip('\n').rpartition(' ')
        f=s.split(';'); n=int(n)
        if not any(x.startswith('storelog/bench/AppendBenchmark.append') for x in f) or ('jmh-worker' not in f[0] and f[0].startswith('[')): continue
        tot+=n
        if any('roll' in x.lower() or 'createSegment' in x or 'SegmentRoller' in x for x in f): k='roll'
        elif any('BufferedFile.flush' in x for x in f): k='flush(pwrite)'
        elif any('reserve' in x for x in f): k='reserve(alloc)'
        elif any('Frame.encode' in x for x in f): k='Frame.encode'
        elif any('IndexEntry.encode' in x for x in f): k='IndexEntry.encode'
        elif any('ReentrantLock' in x for x in f): k='lock'
        elif any('findOrCreate' in x or 'writable' in x for x in f): k='table'
        else: k='other:'+f[-1][:60]
        c[k]+=n
    res.append((c,tot,ops))
keys=sorted(set().union(*[set(r[0]) for r in res]), key=lambda k:-sum(r[0][k] for r in res))
print(f"{'TOTAL':45s}"+''.join(f" {r[1]/r[2]:9.3g}" for r in res))
for k in keys[:25]:
    print(f"{k:45s}"+''.join(f" {r[0][k]/r[2]:9.3g}" for r in res))
