// Keeping large, short-lived message buffers inside the process.
//
// A Flight stream allocates and frees the same large blocks over and over: gRPC
// reads the socket into fresh slices of up to a few MiB, and every received body
// is copied into a fresh 64-byte-aligned buffer of the batch's size (2 MiB for
// 64K rows of four int64 columns). With glibc's defaults, blocks of 128 KiB and
// more are mmap'ed and handed back to the kernel when freed, and free memory at
// the top of a heap is trimmed back too, so every message pays for freshly
// zeroed pages, one page fault per 4 KiB, all over again. On the benchmark
// machine that was half of a DoGet client's CPU time. Apache Arrow avoids it for
// its own buffers by allocating from jemalloc or mimalloc; gRPC's slices come from
// malloc either way, so Quiver raises glibc's two limits instead, which covers both:
// blocks up to 32 MiB come from malloc's heaps, and up to 64 MiB of free memory
// at the top of a heap is kept for reuse.
//
// The cost is memory the process keeps: up to 64 MiB of free memory per malloc
// arena instead of giving it back at once. Set QUIVER_MALLOC_TUNING=0 to keep
// glibc's defaults; limits set through GLIBC_TUNABLES (glibc.malloc.mmap_threshold,
// glibc.malloc.trim_threshold) or MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_
// are never overridden. Other C libraries are left alone.
#pragma once

#include "quiver/visibility.h"

namespace quiver::flight {

/// Applies the malloc limits above, once per process. FlightClient::Connect and
/// FlightServerBase::Init call it; call it yourself only to measure plain gRPC
/// under the same conditions. Returns true when the limits were applied (now or
/// by an earlier call), false when they were left alone (not glibc, or opted out).
QUIVER_EXPORT bool TuneMallocForLargeMessages();

}  // namespace quiver::flight
