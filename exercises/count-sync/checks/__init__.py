"""The checks of count-sync: a package, so that they import their helpers from `.common`."""
