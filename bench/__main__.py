"""``python -m bench <name> [options]`` or ``python -m bench all``."""

from __future__ import annotations

import importlib
import sys

from bench import BENCHMARKS


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in (*BENCHMARKS, "all"):
        print("usage: python -m bench {" + ",".join((*BENCHMARKS, "all")) + "} [options]")
        return 2
    names = BENCHMARKS if argv[0] == "all" else (argv[0],)
    status = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        status |= module.main(argv[1:] if argv[0] != "all" else [])
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
