import collections,sys
c=collections.Counter(); th=collections.Counter()
for line in open(sys.argv[1]):
    stack,_,n=line.rstrip().rpartition(' ')
    n=int(n); s=stack
    if 'Uninterruptible.lambda$own' in s: t='sync'
    elif 'Prof.lambda' in s or 'VirtualThread' in s or 'ForkJoin' in s or 'thaw' in s or 'Continuation' in s: t='carrier'
    else: t='other'
    th[t]+=n
    if t!='carrier': continue
    if 'appendOrBegin' in s and ('acquire' in s or 'AbstractQueuedSynchronizer' in s) and 'unlock' not in s: k='partition lock acquire (appender)'
    elif 'GroupCommitter.register' in s: k='register'
    elif 'Frame.encode' in s or 'updateBytesCRC' in s: k='frame encode/crc'
    elif 'Segment.append' in s: k='segment append other'
    elif 'wakeNext' in s: k='wakeNext unpark'
    elif 'GroupCommitter.unlocked' in s: k='unpark gatherer'
    elif 'appendOrBegin' in s and 'unlock' in s: k='partition unlock (unpark waiter)'
    elif 'GroupCommitter.await' in s: k='await/park(yield)'
    elif 'appendOrBegin' in s: k='append other'
    elif 'runContinuation' in s or 'Continuation' in s or 'thaw' in s: k='continuation mount/unmount'
    elif 'ForkJoinPool' in s: k='FJP scan/park/signal'
    else: k='other'
    c[k]+=n
print('total',sum(th.values()), th)
for k,v in c.most_common(): print(f"{k:40s}{v:6d} {100*v/th['carrier']:5.1f}%")
