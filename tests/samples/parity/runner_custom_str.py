"""Runner parity: an uncaught exception whose class has its own __str__ (run once, by Python's hook)."""
calls = []


class Odd(Exception):
    def __str__(self):
        calls.append(1)
        print("__str__ call", len(calls))
        return f"odd #{len(calls)}"


def go():
    raise Odd("x")


go()
