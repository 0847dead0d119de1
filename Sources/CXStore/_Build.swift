enum _PlaceholderCXStore {}
