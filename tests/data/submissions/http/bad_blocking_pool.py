"""No aiohttp: blocking http.client in a pool of threads, sharing a keep-alive pool of its own."""

import asyncio
import http.client
import queue
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

REDIRECTS = (301, 302, 303, 307, 308)


async def fetch_statuses(urls):
    idle = queue.Queue()
    made = []
    lock = threading.Lock()

    def connection(host, port):
        try:
            return idle.get_nowait()
        except queue.Empty:
            made_one = http.client.HTTPConnection(host, port, timeout=10)
            with lock:
                made.append(made_one)
            return made_one

    def get(url):
        while True:
            parts = urllib.parse.urlsplit(url)
            conn = connection(parts.hostname, parts.port)
            conn.request("GET", parts.path or "/")
            response = conn.getresponse()
            response.read()
            if response.will_close:
                conn.close()
            else:
                idle.put(conn)
            location = response.getheader("Location")
            if response.status not in REDIRECTS or not location:
                return response.status
            url = urllib.parse.urljoin(url, location)

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=max(1, len(urls))) as pool:
        statuses = await asyncio.gather(*(loop.run_in_executor(pool, get, url) for url in urls))
    for conn in made:
        conn.close()
    return dict(zip(urls, statuses, strict=True))
