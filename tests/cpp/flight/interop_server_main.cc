// quiver_flight_test_server: the scripted TestServer (test_server.h) as a
// process, so that clients in other languages (pyarrow.flight) can be tested
// against Quiver's server.
//
//   quiver_flight_test_server [location]      default grpc+tcp://127.0.0.1:0
//
// Prints "LISTENING <uri>" once it serves, then serves until its standard input
// is closed (calls still in flight get five seconds to finish).
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "quiver/flight/server.h"
#include "test_server.h"

int main(int argc, char** argv) {
  using namespace quiver::flight;
  const std::string uri = argc > 1 ? argv[1] : "grpc+tcp://127.0.0.1:0";
  quiver::Result<Location> location = Location::Parse(uri);
  if (!location.ok()) {
    std::cerr << location.status().ToString() << "\n";
    return 2;
  }
  testing::TestServer server;
  server.AddStandardData();
  quiver::Status started = server.Init(FlightServerOptions(*location));
  if (!started.ok()) {
    std::cerr << "cannot serve " << uri << ": " << started.ToString() << "\n";
    return 1;
  }
  std::cout << "LISTENING " << server.location()->uri() << std::endl;
  std::thread stop_on_eof([&server] {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    (void)server.Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  });
  quiver::Status served = server.Serve();
  stop_on_eof.join();
  if (!served.ok()) std::cerr << served.ToString() << "\n";
  return served.ok() ? 0 : 1;
}
