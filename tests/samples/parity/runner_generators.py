"""Runner parity: generators made by the script and resumed after it, from atexit; exceptions out of them."""
import atexit
import inspect
import sys


def counter():
    n = 0
    while True:
        n += 1
        yield n, [f.function for f in inspect.stack()], sys._getframe().f_back is None


gen = counter()
print(next(gen))


def later():
    print("atexit", next(gen))
    g2 = (x / 0 for x in [1])
    try:
        next(g2)
    except ZeroDivisionError as e:
        print("from genexpr", [fs.name for fs in __import__("traceback").extract_tb(e.__traceback__)])


atexit.register(later)
print(next(gen))
