"""`python -m alliance.cli`: the same as the `alliance` command."""

from alliance.cli import main

main()
