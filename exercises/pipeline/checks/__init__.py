"""The checks of pipeline: a package, so that they import their helpers from `.common`."""
