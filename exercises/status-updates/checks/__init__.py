"""The checks of status-updates: a package, so that they import their helpers from `.common`."""
