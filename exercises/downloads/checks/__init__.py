"""The checks of downloads: a package, so that they import their helpers from `.common`."""
