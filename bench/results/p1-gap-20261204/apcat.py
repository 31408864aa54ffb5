import sys, collections
cats=[('bench','AppendBenchmark'),('compiler','CompileBroker'),('gc','G1'),('gc','WorkerThread::run'),('syncSealed','syncSealed'),('forceNames','forceNames'),('flushDue','flushDue'),('flushDue','backgroundFlush'),('create','SegmentFiles'),('create','Directories'),('pool-idle','getTask'),('flusher-other','Flusher.run'),('vmthread','VMThread'),('jmh','org/openjdk/jmh')]
for p in sys.argv[1:]:
    c=collections.Counter(); tot=0
    for line in open(p):
        s,_,n=line.rstrip('\n').rpartition(' ')
        n=int(n); tot+=n
        for name,k in cats:
            if k in s: c[name]+=n; break
        else: c['other']+=n
    print(p.split('/')[0], tot, dict(c.most_common()))
