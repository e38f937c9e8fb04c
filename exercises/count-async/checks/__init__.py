"""The checks of count-async: a package, so that they import their helpers from `.common`."""
