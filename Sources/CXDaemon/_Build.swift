enum _PlaceholderCXDaemon {}
