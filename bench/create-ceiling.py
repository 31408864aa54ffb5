#!/usr/bin/env python3
"""The filesystem's rate for what a durable first publish to a new partition needs, without StoreLog
(issue 11 item 2's bound for new partitions): THREADS threads create N partition directories under DIR,
each as StoreLog does under FSYNC=always (bench/RESULTS.md, strace of one creation): mkdir, create the
segment's store and index files (O_EXCL, a header each), fsync the new directory, fsync DIR (shared:
a caller is covered by an fsync that started after its mkdir, as GroupedDirectoryForce does), then
append a 100-byte record to the store and fsync it. Prints "RESULT create_ceiling_per_s <rate>", then
the details on a line of their own.
    bench/create-ceiling.py DIR [THREADS=64] [N=2000] [ORDER=sequential|dirs|parallel]
ORDER=dirs runs the two directories' fsyncs at once; ORDER=parallel runs the three fsyncs of a creation
at once, after the record's write (what a creation could cost if its names' fsyncs joined its first
group commit). Removes what it created."""
import os, shutil, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

root = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 64
n = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
order = sys.argv[4] if len(sys.argv) > 4 else "sequential"
os.makedirs(root, exist_ok=True)
data = os.path.join(root, "create-ceiling")
shutil.rmtree(data, ignore_errors=True)
os.mkdir(data)
data_fd = os.open(data, os.O_RDONLY)

cond = threading.Condition()
state = {"started": 0, "done": 0, "running": False}

def grouped_data_fsync():
    with cond:
        need = state["started"] + 1  # an fsync that starts after this call
        while state["done"] < need:
            if state["running"]:
                cond.wait()
                continue
            state["running"] = True
            state["started"] += 1
            gen = state["started"]
            cond.release()
            try:
                os.fsync(data_fd)
            finally:
                cond.acquire()
                state["done"] = gen
                state["running"] = False
                cond.notify_all()

def fsync_path(path, flags=os.O_RDONLY):
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

header = b"S" * 16
record = b"r" * 100
pool_for_parallel = ThreadPoolExecutor(max_workers=3 * threads)

def create(i):
    d = os.path.join(data, "p%d" % i)
    os.mkdir(d)
    for name in ("segment_0.store", "segment_0.index"):
        fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.write(fd, header)
        os.close(fd)
    store = os.path.join(d, "segment_0.store")
    if order == "sequential":
        fsync_path(d)
        grouped_data_fsync()
        fd = os.open(store, os.O_RDWR)
        os.pwrite(fd, record, len(header))
        os.fsync(fd)
        os.close(fd)
    elif order == "dirs":
        other = pool_for_parallel.submit(grouped_data_fsync)
        fsync_path(d)
        other.result()
        fd = os.open(store, os.O_RDWR)
        os.pwrite(fd, record, len(header))
        os.fsync(fd)
        os.close(fd)
    else:
        fd = os.open(store, os.O_RDWR)
        os.pwrite(fd, record, len(header))
        futures = [pool_for_parallel.submit(os.fsync, fd), pool_for_parallel.submit(fsync_path, d),
                   pool_for_parallel.submit(grouped_data_fsync)]
        for f in futures:
            f.result()
        os.close(fd)

t0 = time.time()
with ThreadPoolExecutor(max_workers=threads) as pool:
    list(pool.map(create, range(n)))
elapsed = time.time() - t0
print("RESULT create_ceiling_per_s %d" % (n / elapsed))
print("(%s, %d threads, %d partitions, %d shared fsyncs of the data directory)" % (order, threads, n, state["started"]))
os.close(data_fd)
shutil.rmtree(data, ignore_errors=True)
