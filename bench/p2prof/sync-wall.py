import collections, sys
c=collections.Counter(); tot=0
def cat(fr):
    s=';'.join(fr)
    if 'fdatasync' in s: return 'fdatasync'
    if 'pwrite' in s or 'pwrite64' in s: return 'pwrite'
    if 'gather' in s: return 'gather park'
    if 'GroupCommit.sync' in s and ('LockSupport.park' in s or 'acquire' in s): return 'partition lock wait'
    if 'release' in s or 'GroupCommitter.wake' in s: return 'wake (release)'
    if 'LocalDisk.open' in s or 'close' in s.lower(): return 'open/close fsync channel'
    if 'syncLoop' in s or 'GroupCommit' in s: return 'other sync loop'
    return 'idle/other'
for line in open(sys.argv[1]):
    stack,_,n=line.rstrip().rpartition(' ')
    fr=stack.split(';')
    if not fr[0].startswith('[storelog-sync'): continue
    c[cat(fr)]+=int(n)
act=sum(v for k,v in c.items() if k!='idle/other')
for k,v in c.most_common(): print(f"{k:28s} {v:6d} {100*v/act:5.1f}% of active")
