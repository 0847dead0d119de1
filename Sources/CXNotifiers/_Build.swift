enum _PlaceholderCXNotifiers {}
