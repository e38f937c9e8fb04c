"""downloads one url at a time: never uses more than one slot."""


async def download_all(download, urls, limit):
    return {url: await download(url) for url in urls}
