"""brotli_c.py: the C Brotli encoder's speed at quality 11 on a tree.

WhiteNoise compresses with the C library (Debian's python3-brotli); this
times it on the files that generate compresses at full effort, to set
beside assetgen's pure-Go encoder (BenchmarkTree in gen/internal/compress):

    KEEP=1 bench/collectstatic.sh      # prints its work directory
    /usr/bin/python3 bench/brotli_c.py <work directory>/pkg/static
"""

import os
import sys
import time

import brotli

# What compress.EffortFor gives a fast level, and what Compressible skips.
FAST = {".map", ".ts", ".mts", ".cts", ".tsx", ".scss", ".sass", ".less", ".styl", ".coffee", ".flow", ".md", ".markdown"}
SKIP = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2", ".zip", ".gz", ".br", ".mp3", ".mp4"}

files = []
for d, _, names in os.walk(sys.argv[1]):
    for name in names:
        ext = os.path.splitext(name)[1].lower()
        if ext in FAST or ext in SKIP:
            continue
        with open(os.path.join(d, name), "rb") as f:
            data = f.read()
        if len(data) >= 256:
            files.append(data)
size = sum(len(b) for b in files)
start = time.process_time()
for b in files:
    brotli.compress(b, quality=11)
cpu = time.process_time() - start
print(f"{len(files)} files, {size / 1e6:.1f} MB: {cpu:.1f} s CPU, {size / 1e6 / cpu:.2f} MB/s")
