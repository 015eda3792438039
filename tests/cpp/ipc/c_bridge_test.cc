// Placeholder while the C Data bridge tests are being written.
