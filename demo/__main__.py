"""``python -m demo [--days N]``: what ``make demo`` runs (see :mod:`demo.run`)."""

from demo.run import main

if __name__ == "__main__":
    main()
