// How the `quiver` command reports failures and picks its exit code.
//
//   0  success
//   1  a runtime failure: "error: <Class>: <message>" on one line of stderr
//   2  a usage error (bad flags or arguments): "error: usage: <message>"
//
// <Class> is the name pyarrow gives the error (FlightUnavailableError,
// ArrowKeyError, ...), so the same failure reads the same from either tool.
#pragma once

#include <string>
#include <string_view>

#include "quiver/status.h"

namespace quiver::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// A Status meaning "the command line was wrong" (exit code 2).
Status UsageError(std::string message);
bool IsUsageError(const Status& status);

/// pyarrow's exception class for `status`: "FlightUnavailableError", "ArrowInvalid", ...
std::string_view ErrorClassName(const Status& status);

/// Prints the one-line report of `status` (with the full detail when `debug`) to
/// stderr and returns the exit code for it.
int ReportError(const Status& status, bool debug);

}  // namespace quiver::cli
