// Concatenate: being written (see concatenate.h).
