"""The checks of gather: a package, so that they import their helpers from `.common`."""
