"""runs the jobs one after another: sequential."""


async def run_all(jobs):
    report = {}
    for name, job in jobs.items():
        try:
            await job()
            report[name] = "ok"
        except Exception as exc:
            report[name] = f"error: {type(exc).__name__}"
    return report
