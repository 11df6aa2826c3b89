#!/usr/bin/env python3
"""The file benchmark's client (scripts/bench-files.sh): uploads a photo through Liaison's API,
or downloads what was uploaded, with a number of concurrent connections, and prints one
tab-separated line of figures. Python's standard library only.

    files_load.py upload BASE TOKEN PHOTO COUNT CONNS RECORDS FILES_TSV
    files_load.py download BASE TOKEN COUNT CONNS FILES_TSV

upload sends COUNT photos, each to an activity of 1..RECORDS in turn, and each made different
from the others by a JPEG comment segment holding its number (the store keeps equal bytes once,
so the same photo twice would measure nothing the second time); it writes "activity<TAB>file"
of each kept file to FILES_TSV. download fetches the files of FILES_TSV in turn, COUNT times,
and checks each answer's length.

The line printed: phase, requests, errors, seconds, requests/s, MB/s (MiB of photo sent or
received per second), p50 ms, p99 ms, max ms.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

BOUNDARY = "liaison-bench-files-boundary"


def numbered(photo: bytes, n: int) -> bytes:
    """The photo with a comment segment right after its start-of-image marker."""
    text = f"liaison benchmark photo {n:09d}".encode()
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    return photo[:2] + segment + photo[2:]


def multipart(photo: bytes, n: int) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="caption"\r\n\r\n'
        f"Benchmark photo {n}\r\n"
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="photo-{n}.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + numbered(photo, n) + f"\r\n--{BOUNDARY}--\r\n".encode()


def run(conns, count, one):
    """Calls one(connection, i) for i in 0..count over `conns` keep-alive connections; returns
    the latencies in ms, the errors and the wall time in seconds."""
    latencies, errors, lock = [], [], threading.Lock()
    next_index = iter(range(count))

    def worker():
        conn = None
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            if conn is None:
                conn = http.client.HTTPConnection(HOST, PORT, timeout=300)
            started = time.perf_counter()
            try:
                problem = one(conn, i)
            except (OSError, http.client.HTTPException) as e:
                problem = f"{type(e).__name__}: {e}"
                conn.close()
                conn = None
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(phase, latencies, errors, seconds, megabytes):
    n = len(latencies)
    print(
        f"{phase}\t{n}\t{len(errors)}\t{seconds:.2f}\t{n / seconds:.1f}\t{megabytes / seconds:.1f}"
        f"\t{percentile(latencies, 50):.1f}\t{percentile(latencies, 99):.1f}\t{max(latencies, default=0):.1f}"
    )
    for e in errors[:3]:
        print(f"{phase}: {e}", file=sys.stderr)


def main():
    global HOST, PORT
    phase, base, token = sys.argv[1], sys.argv[2], sys.argv[3]
    url = urllib.parse.urlsplit(base)
    HOST, PORT = url.hostname, url.port
    auth = {"Authorization": f"Bearer {token}"}
    if phase == "upload":
        photo_path, count, conns, records, files_tsv = sys.argv[4:9]
        count, conns, records = int(count), int(conns), int(records)
        with open(photo_path, "rb") as f:
            photo = f.read()
        kept, lock = [], threading.Lock()

        def upload(conn, i):
            record = i % records + 1
            body = multipart(photo, i)
            headers = dict(auth)
            headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
            conn.request("POST", f"/api/v1/activities/{record}/files", body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read()
            if answer.status != 201:
                return f"{answer.status} {text[:200]!r}"
            with lock:
                for file in json.loads(text):
                    kept.append((record, file["id"], len(body)))
            return None

        latencies, errors, seconds = run(conns, count, upload)
        with open(files_tsv, "w") as f:
            for record, file, _ in kept:
                f.write(f"{record}\t{file}\n")
        report("upload", latencies, errors, seconds, len(kept) * len(photo) / 1048576)
    elif phase == "download":
        count, conns, files_tsv = sys.argv[4:7]
        count, conns = int(count), int(conns)
        with open(files_tsv) as f:
            files = [line.split() for line in f if line.strip()]
        if not files:
            sys.exit("no files to download: the uploads failed")
        received = [0]
        lock = threading.Lock()

        def download(conn, i):
            record, file = files[i % len(files)]
            conn.request("GET", f"/api/v1/activities/{record}/files/{file}", headers=auth)
            answer = conn.getresponse()
            body = answer.read()
            if answer.status != 200:
                return f"{answer.status} {body[:200]!r}"
            with lock:
                received[0] += len(body)
            return None

        latencies, errors, seconds = run(conns, count, download)
        report("download", latencies, errors, seconds, received[0] / 1048576)
    else:
        sys.exit(f"unknown phase {phase}")


if __name__ == "__main__":
    main()
