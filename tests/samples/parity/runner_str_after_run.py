"""Runner parity: an instrumented __str__ of an uncaught exception runs after the script, hooks still there."""
# Differs: plain python ends with "E: E(3)" as the last traceback line; under `nandoctor run` the
# instrumented __str__ runs after the hooks were removed: "E: <exception str() failed>" (or
# nandoctor's own traceback), because `s = ...` calls a hook that no longer exists.
class E(Exception):
    def __str__(self):
        s = "E(" + str(self.args[0]) + ")"
        return s
raise E(3)
