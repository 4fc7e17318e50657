"""The command-line layer, the only one that imports Typer: the app, its environment, options,
output and commands."""
