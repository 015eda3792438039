// Symbol visibility for libquiver.
//
// The library is built with -fvisibility=hidden; only declarations marked
// QUIVER_EXPORT are part of the shared object's interface.
#pragma once

#if defined(_WIN32)
#define QUIVER_EXPORT __declspec(dllexport)
#else
#define QUIVER_EXPORT [[gnu::visibility("default")]]
#endif
