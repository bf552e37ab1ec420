"""``python -m scanner``: see :mod:`scanner.cli`."""

from scanner.cli import main

if __name__ == "__main__":
    main(prog_name="python -m scanner")
