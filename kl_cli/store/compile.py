"""`python -m kl_cli.store.compile`: regenerate the bundled knowledge base's compiled form
(data/kl.json) and search index (data/kl.search.json) from data/kl.yaml, after editing it.

The tests fail while either is stale (tests/test_kb.py).
"""

from __future__ import annotations

from kl_cli.store.load import compile_index, compile_yaml
from kl_cli.store.locate import KB_COMPILED, KB_INDEX, bundled_yaml, data_dir


def main() -> None:
    source = bundled_yaml()
    for name, compile_ in ((KB_COMPILED, compile_yaml), (KB_INDEX, compile_index)):
        target = data_dir() / name
        target.write_text(compile_(source), encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
