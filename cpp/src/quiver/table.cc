// Placeholder while this file is being written; replaced before any commit.
