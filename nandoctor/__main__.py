"""`python -m nandoctor`: the same command line as `nandoctor`."""

from .cli import main

main(prog_name="nandoctor")
