"""What check authors write checks with.

`grader.checks.submission` is the student's module as a check calls it;
`timing` holds every time verdict and the recorders of injected callables;
`assertions` the correctness helpers; `pools` and `cutoffs` verdicts on
bounded concurrency and cancellation; `httpserver` a local HTTP server;
`modules` loads a check folder's shared helpers.
"""
