"""Runner parity: no signal handler Python would not have."""
import signal

for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGPIPE", "SIGUSR1", "SIGCHLD"):
    print(name, signal.getsignal(getattr(signal, name)))
