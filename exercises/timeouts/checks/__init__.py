"""The checks of timeouts: a package, so that they import their helpers from `.common`."""
