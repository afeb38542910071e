"""Runner parity: a syntax error in the script itself (printed by the default hook, status 1)."""
x = (1,
