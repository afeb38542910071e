"""Runner parity: a compile-time SyntaxWarning prints once (the script is compiled once)."""
x = 5
print(x is 5)
