"""The checks of http: a package, so that they import their helpers from `.common`."""
