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
// And every thread allocates from one malloc arena. A message's blocks are made on
// one thread and freed on another (gRPC's polling thread reads the socket into
// slices that the reading thread frees once it has copied the body out; a server's
// handler frees what gRPC's threads allocated). With glibc's default of an arena
// per thread (up to 8 per core), a block goes back to the arena it came from, which
// the next allocating thread does not use; each arena then grows and trims on its
// own and big blocks keep landing on fresh pages. On the benchmark machine one
// arena made a 4-stream DoGet ~13% faster with its client's peak RSS down from 213
// to 115 MB, and DoPut of 64K-row batches 7-9% faster; single-stream DoGet and
// 1K-row batches moved within the noise. Small
// blocks still come from each thread's cache without a lock; a program with many
// threads allocating hard besides Flight may prefer glibc's arenas (below).
//
// The cost is memory the process keeps: up to 64 MiB of free memory at the top of
// the heap instead of giving it back at once. Set QUIVER_MALLOC_TUNING=0 to keep
// glibc's defaults; settings made through GLIBC_TUNABLES (glibc.malloc.mmap_threshold,
// glibc.malloc.trim_threshold, glibc.malloc.arena_max) or MALLOC_MMAP_THRESHOLD_ /
// MALLOC_TRIM_THRESHOLD_ / MALLOC_ARENA_MAX mean the user chose, and then none of
// the three is changed. Other C libraries are left alone.
#pragma once

#include "quiver/visibility.h"

namespace quiver::flight {

/// Applies the malloc settings above, once per process. FlightClient::Connect and
/// FlightServerBase::Init call it; call it yourself only to measure plain gRPC
/// under the same conditions. Returns true when the limits were applied (now or
/// by an earlier call), false when they were left alone (not glibc, or opted out).
QUIVER_EXPORT bool TuneMallocForLargeMessages();

}  // namespace quiver::flight
