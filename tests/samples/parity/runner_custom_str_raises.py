"""Runner parity: an uncaught exception whose __str__ itself raises."""


class Broken(Exception):
    def __str__(self):
        raise RuntimeError("no string for you")


raise Broken()
