"""AppSync's realtime subscriptions over websockets: frames, the protocol, filters, the socket."""
