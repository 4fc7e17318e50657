"""Run kl as `python -m kl_cli`."""

from kl_cli.cli import main

main()
