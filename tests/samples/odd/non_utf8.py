x = "café"
print(x)
