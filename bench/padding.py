"""What stream format v2's padding costs (issue 18): bytes stored per byte of evidence.

A file's ciphertext is padded to its size bucket (``crypto.stream.padded_length``)
so that its length tells no more than ``attachments.size_rounded``. This prints
the stored size over the plaintext size at sizes just past each bucket's edge
(the worst cases) and at round sizes, from 1 MiB to 4 GiB, then the worst of
them as ``padding=<ratio>`` (bound: 1.0625 for the padding, plus the header
and the tags). Below 1 MiB a file takes whole 64 KiB chunks, as
``size_rounded`` showed before.
"""

from __future__ import annotations

import argparse

from crypto import encrypted_size

MiB = 1024 * 1024


def overheads() -> list[tuple[int, float]]:
    sizes: list[int] = []
    for exponent in range(20, 33):  # 1 MiB .. 4 GiB
        sizes += [(1 << exponent) + 1, 1 << exponent, 3 << (exponent - 1)]
    sizes += [10**7, 10**8, 10**9]
    return [(size, encrypted_size(size) / size) for size in sorted(set(sizes))]


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    figures = overheads()
    for size, ratio in figures:
        print(f"{size:>12} bytes  stored x{ratio:.4f}")
    worst = max(ratio for _size, ratio in figures)
    print(f"padding={worst:.3f}")
    return 0
