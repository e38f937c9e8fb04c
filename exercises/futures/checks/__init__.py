"""The checks of futures: a package, so that they import their helpers from `.common`."""
