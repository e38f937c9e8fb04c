"""The checks of kitchen: a package, so that they import their helpers from `.common`."""
