"""The HTTP engine: the listener, one connection's parsing and socket I/O, the request head
and body, and the response's framing. Knows HTTP/1.x; hands each request to the lifecycle."""
