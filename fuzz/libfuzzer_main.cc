// The libFuzzer entry point for one target, chosen at compile time by
// QUIVER_FUZZ_TARGET (a function of fuzz_targets.h). Errors are the expected
// outcome for most inputs; only crashes, hangs, leaks and sanitizer reports count.
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)quiver::fuzz::QUIVER_FUZZ_TARGET(data, size);
  return 0;
}
