// Checks the PEM certificates and keys given for TLS before they reach the
// transport. gRPC refuses bad material without saying why ("could not listen",
// "empty address list", a log line on stderr), and the usual mistakes — a file
// path where its contents belong, the key and the certificate swapped, a key
// from another certificate, a passphrase-protected key — deserve an error that
// names the option and the fix.
#pragma once

#include "quiver/flight/client.h"
#include "quiver/flight/server.h"
#include "quiver/status.h"

namespace quiver::flight::internal {

/// The certificates, keys and roots of a grpc+tls server.
Status CheckServerTlsMaterial(const FlightServerOptions& options);

/// The roots and the mTLS identity of a grpc+tls client.
Status CheckClientTlsMaterial(const FlightClientOptions& options);

}  // namespace quiver::flight::internal
