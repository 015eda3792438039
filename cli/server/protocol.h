// What `quiver serve` puts in tickets and accepts in descriptors and action bodies.
//
// Tickets are small JSON objects, readable when debugging and easy to make by hand:
//
//   {"path": "sales/2024", "file": "part-00000001-1a2b3c4d.arrow"}   one file (what
//                                                                    FlightInfo endpoints carry)
//   {"path": "sales/2024"}                                           the whole dataset
//
// Descriptors name a dataset by PATH (["sales", "2024"] or ["sales/2024"]) or by a
// CMD holding a JSON object; for uploads the command also chooses the mode:
//
//   {"path": "sales/2024", "mode": "append"}        mode: create | replace | append
//
// An upload with a PATH descriptor takes its mode from the call header
// "quiver-put-mode" (what `quiver put --mode` sends); without one it replaces the
// dataset, atomically, as the usual in-memory Flight servers (and the seed's) do with
// a put. `quiver put` itself asks for create unless told otherwise. DoExchange
// appends by default.
//
// Everything here is decoded as untrusted input: sizes are bounded, every field's
// type is checked, and errors show (escaped) what was found.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/result.h"
#include "store/dataset_path.h"
#include "store/store.h"

namespace quiver::cli::server {

inline constexpr std::string_view kPutModeHeader = "quiver-put-mode";

struct TicketTarget {
  store::DatasetPath path;
  /// One file of the dataset; nullopt: every file, in order.
  std::optional<std::string> file;
};

std::string EncodeTicket(const store::DatasetPath& path, std::string_view file);
Result<TicketTarget> DecodeTicket(std::string_view ticket);

/// The dataset a descriptor names (PATH, or CMD {"path": ...}).
Result<store::DatasetPath> DescriptorPath(const flight::FlightDescriptor& descriptor);

struct PutTarget {
  store::DatasetPath path;
  /// nullopt when neither the command nor a header chose one.
  std::optional<store::PutMode> mode;
};
/// Where and how an upload goes: the mode from the descriptor, else the mode header.
Result<PutTarget> DecodePutTarget(const flight::FlightDescriptor& descriptor,
                                  const flight::CallHeaders& headers);

/// `bytes` as a short printable excerpt for error messages: at most 64 characters,
/// non-printable bytes as \xNN.
std::string Excerpt(std::string_view bytes);

}  // namespace quiver::cli::server
