import sys,collections
f,ops=sys.argv[1],float(sys.argv[2])
c=collections.Counter(); tot=0
for line in open(f):
    if 'jmh-worker' not in line: continue
    stack,n=line.rstrip().rsplit(' ',1); n=int(n); fr=stack.split(';'); tot+=n
    seen=set()
    for x in fr:
        if x.startswith('storelog/') and x not in seen:
            seen.add(x); c[x]+=n
print('total/Mop %.1f'%(tot/ops))
for k,v in c.most_common(40): print('%6.1f %s'%(v/ops,k))
