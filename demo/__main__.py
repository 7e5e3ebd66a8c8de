"""``python -m demo [--all-through-airflow]``: what ``make demo`` runs (see :mod:`demo.run`)."""

from demo.run import main

if __name__ == "__main__":
    main()
