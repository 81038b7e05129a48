"""Pillow's side of the image benchmark (see main.go), and its photos.

    python3 peers.py gen DIR N     write N distinct 4000x3000 photos, quality 90
    python3 peers.py serve         answer JSON jobs on stdin, one a line
    python3 peers.py gallery DIR W1,W2,.. PROCS   thumbnails of every photo at
                                   every width with a pool of PROCS processes

Thumbnails are made the way sorl-thumbnail and easy-thumbnails make them:
Image.draft (libjpeg's DCT scaling) + thumbnail(LANCZOS) + save at quality 82.
"""
import io, json, os, random, sys, time
from multiprocessing import Pool
from PIL import Image, ImageDraw, ImageFilter

W, H = 4000, 3000

def gen(d, n):
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        p = os.path.join(d, "photo%02d.jpg" % i)
        if os.path.exists(p):
            continue
        rnd = random.Random(i)
        # A sky-to-ground gradient, soft shapes, fine detail, sensor noise.
        sky = Image.linear_gradient("L").resize((W, H))
        r = sky.point(lambda v: int(40 + v * rnd.uniform(0.5, 0.8)))
        g = sky.point(lambda v: int(60 + v * rnd.uniform(0.4, 0.7)))
        b = sky.point(lambda v: int(200 - v * rnd.uniform(0.4, 0.7)))
        m = Image.merge("RGB", (r, g, b))
        dr = ImageDraw.Draw(m)
        for _ in range(120):
            x, y = rnd.randrange(W), rnd.randrange(H)
            s = rnd.randrange(30, 600)
            c = tuple(rnd.randrange(256) for _ in range(3))
            if rnd.random() < 0.5:
                dr.ellipse((x, y, x + s, y + s * rnd.uniform(0.3, 1.5)), fill=c)
            else:
                dr.rectangle((x, y, x + s, y + s // 3), fill=c)
        m = m.filter(ImageFilter.GaussianBlur(rnd.uniform(2, 6)))
        dr = ImageDraw.Draw(m)
        for _ in range(3000):  # twigs, text, edges: detail a photo has
            x, y = rnd.randrange(W), rnd.randrange(H)
            dr.line((x, y, x + rnd.randrange(-80, 80), y + rnd.randrange(-80, 80)),
                    fill=tuple(rnd.randrange(256) for _ in range(3)), width=rnd.randrange(1, 4))
        # Texture at every scale (foliage, fabric, skin), then sensor noise.
        for k, (w, amount) in enumerate([(40, 0.25), (200, 0.2), (1000, 0.15), (W, 0.06)]):
            h = w * 3 // 4
            octave = [Image.effect_noise((w, h), 60).resize((W, H), Image.BICUBIC) for _ in range(3)]
            m = Image.merge("RGB", [Image.blend(ch, o, amount) for ch, o in zip(m.split(), octave)])
        m.save(p, quality=90)

def thumb(path, width):
    im = Image.open(path)
    size = (width, width * 100)
    im.draft("RGB", (width, width * im.size[1] // im.size[0]))
    im.thumbnail(size, Image.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=82)
    return len(out.getvalue())

def serve():
    for line in sys.stdin:
        job = json.loads(line)
        t, c = time.perf_counter(), time.process_time()
        sizes = [thumb(job["path"], w) for w in job["widths"]]
        ms = (time.perf_counter() - t) * 1000
        cpu_ms = (time.process_time() - c) * 1000
        print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "bytes": sizes}), flush=True)

def job(a):
    return thumb(*a)

def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmHWM:"):
                return int(l.split()[1])
    return 0

def gallery(d, widths, procs):
    files = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".jpg"))
    jobs = [(f, w) for f in files for w in widths]
    t = time.perf_counter()
    with Pool(procs) as pool:
        pids = [p.pid for p in pool._pool]
        sizes = pool.map(job, jobs, chunksize=1)
        peaks = [rss_kb(p) for p in pids]
    wall = (time.perf_counter() - t) * 1000
    print(json.dumps({"ms": wall, "jobs": len(sizes), "worker_peak_kb": peaks,
                      "parent_peak_kb": rss_kb(os.getpid())}))

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    elif cmd == "serve":
        serve()
    elif cmd == "gallery":
        gallery(sys.argv[2], [int(w) for w in sys.argv[3].split(",")], int(sys.argv[4]))
