"""Qt widgets and models; they call services and never build HTTP requests."""
