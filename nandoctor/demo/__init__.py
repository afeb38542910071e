"""The bundled 3-4-1 demo network (numerically the founding case)."""
