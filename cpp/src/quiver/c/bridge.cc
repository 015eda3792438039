// Placeholder while the C Data bridge is being written; replaced before it is committed.
