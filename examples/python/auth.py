# The seed's authentication example (shared/seed/pyarrow-flight-seed.txt), with
# only the import lines changed from pyarrow to quiver. The seed leaves the
# server out; the marked block below is the minimum that serves SimpleAuthHandler
# on grpc://localhost:8080 so that the client usage at the end runs as written.
import quiver.flight as flight


class SimpleAuthHandler(flight.ServerAuthHandler):
    """Simple authentication handler."""

    def __init__(self):
        self.valid_tokens = {"user123": "secret456"}

    def authenticate(self, outgoing, incoming):
        """Authenticate request."""
        # Extract credentials from incoming headers
        username = None
        password = None
        for header in incoming:
            if header[0] == b'username':
                username = header[1].decode()
            elif header[0] == b'password':
                password = header[1].decode()
        if username in self.valid_tokens and self.valid_tokens[username] == password:
            # Set authentication token
            outgoing.append((b'auth-token', f'token-{username}'.encode()))
            return username
        else:
            raise flight.FlightUnauthenticatedError("Invalid credentials")

    def is_valid(self, token):
        """Validate authentication token."""
        if token.startswith('token-'):
            username = token[6:]  # Remove 'token-' prefix
            return username if username in self.valid_tokens else None
        return None


class SimpleClientAuthHandler(flight.ClientAuthHandler):
    """Simple client authentication handler."""

    def __init__(self, username, password):
        self.username = username
        self.password = password
        self.token = None

    def authenticate(self, outgoing, incoming):
        """Authenticate client."""
        # Send credentials
        outgoing.append((b'username', self.username.encode()))
        outgoing.append((b'password', self.password.encode()))
        # Get token from response
        for header in incoming:
            if header[0] == b'auth-token':
                self.token = header[1].decode()
                break

    def get_token(self):
        """Get authentication token."""
        return self.token


# --- added: a server on loopback behind SimpleAuthHandler (not in the seed)
import threading  # noqa: E402
import quiver as pa  # noqa: E402


class AuthenticatedServer(flight.FlightServerBase):
    def list_flights(self, context, criteria):
        print(f"Server: list_flights for {context.peer_identity().decode()}")
        schema = pa.schema([('id', pa.int64())])
        yield flight.FlightInfo(schema, flight.FlightDescriptor.for_path("example"), [])


server = AuthenticatedServer("grpc://localhost:8080", auth_handler=SimpleAuthHandler())
threading.Thread(target=server.serve, daemon=True).start()
# --- end of the added server

# Client usage with authentication
auth_handler = SimpleClientAuthHandler("user123", "secret456")
client = flight.connect("grpc://localhost:8080", auth_handler=auth_handler)
# Authenticate
client.authenticate(auth_handler)
# Now use authenticated client
flights = list(client.list_flights())
print(f"Found {len(flights)} flights")
client.close()

server.shutdown()  # added: stop the server started above
