"""Runner parity: SystemExit with several arguments (the tuple is printed, status 1)."""
raise SystemExit(1, 2)
