"""Analysis: the program model, declared cause rules with measured premises, and the catalogue made from them."""
