"""Stream format against raw AES-256-GCM over the same 64 KiB chunks, in one run.

Both sides encrypt and decrypt the same bytes from the same reusable buffer
into a sink that discards, so the ratio measures the format's own overhead
(buffering, HKDF, nonces, framing), not the disk. Best of several rounds.
Also prints HPKE wraps/unwraps per second and one Argon2id run with the
production parameters.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bench import profiling
from crypto import (
    PRODUCTION_ARGON2,
    Identity,
    RecordContext,
    StreamDecryptor,
    StreamEncryptor,
    WrapContext,
    argon2id,
    new_key,
    unwrap_key,
    wrap_key,
)
from crypto.stream import CHUNK_BYTES

MiB = 1024 * 1024
CONTEXT = RecordContext("bench", "attachment", "file")
WRITE_SIZE = 256 * 1024  # what the upload path hands the encryptor at a time


class Discard(io.RawIOBase):
    """A sink that counts bytes and keeps none."""

    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        size = len(data)  # type: ignore[arg-type]
        self.count += size
        return size


def _best_interleaved(actions: dict[str, Callable[[], None]], rounds: int) -> dict[str, float]:
    """Best time of each action, running them in turn round by round.

    Alternating keeps both sides of a ratio under the same CPU frequency and
    cache state, instead of giving one side the cold start.
    """
    best = {name: float("inf") for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def measure(size_mib: int, rounds: int) -> dict[str, float]:
    key = new_key()
    buffer = os.urandom(WRITE_SIZE)
    writes = size_mib * MiB // WRITE_SIZE
    chunks = size_mib * MiB // CHUNK_BYTES
    aead = AESGCM(key)
    chunk = buffer[:CHUNK_BYTES]

    def raw_encrypt() -> None:
        sink = Discard()
        for index in range(chunks):
            sink.write(aead.encrypt(index.to_bytes(12, "big"), chunk, None))

    raw_sample = b"".join(
        aead.encrypt(index.to_bytes(12, "big"), chunk, None)
        for index in range(min(size_mib, 64) * MiB // CHUNK_BYTES)
    )

    def raw_decrypt() -> None:
        # Read the sealed chunks from memory, as the stream side does.
        for _ in range(max(1, size_mib // min(size_mib, 64))):
            source = io.BytesIO(raw_sample)
            index = 0
            while sealed := source.read(CHUNK_BYTES + 16):
                aead.decrypt(index.to_bytes(12, "big"), sealed, None)
                index += 1

    def stream_encrypt() -> None:
        with StreamEncryptor(key, Discard(), CONTEXT) as encryptor:  # type: ignore[arg-type]
            for _ in range(writes):
                encryptor.write(buffer)

    # A real stream of the full size cannot be replayed from one sample (every
    # chunk has its own nonce), so decrypt a real file of 64 MiB as many times.
    sample_mib = min(size_mib, 64)
    sample = io.BytesIO()
    with StreamEncryptor(key, sample, CONTEXT) as encryptor:
        for _ in range(sample_mib * MiB // WRITE_SIZE):
            encryptor.write(buffer)
    sample_bytes = sample.getvalue()
    repeats = max(1, size_mib // sample_mib)

    def stream_decrypt() -> None:
        for _ in range(repeats):
            for _piece in StreamDecryptor(key, io.BytesIO(sample_bytes), CONTEXT):
                pass

    return _best_interleaved(
        {
            "raw_encrypt_s": raw_encrypt,
            "stream_encrypt_s": stream_encrypt,
            "raw_decrypt_s": raw_decrypt,
            "stream_decrypt_s": stream_decrypt,
        },
        rounds,
    )


def hpke_rates(seconds: float = 1.0) -> tuple[float, float]:
    identity = Identity.generate()
    context = WrapContext("bench", "case", "reporter", "staff:1")
    key = new_key()
    count, start = 0, time.perf_counter()
    wrapped = b""
    while time.perf_counter() - start < seconds:
        wrapped = wrap_key(key, identity.public(), context)
        count += 1
    wraps = count / (time.perf_counter() - start)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        unwrap_key(wrapped, identity, context)
        count += 1
    return wraps, count / (time.perf_counter() - start)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench crypto")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip HPKE and Argon2 timings")
    profiling.add_option(parser)
    args = parser.parse_args(argv)
    size = args.size_mib
    profile: Path | None = args.profile
    with profiling.in_process(profile, "crypto"):
        figures = measure(size, args.rounds)
    for name in ("raw_encrypt", "stream_encrypt", "raw_decrypt", "stream_decrypt"):
        print(f"{name:<16} {size / figures[name + '_s']:10.1f} MiB/s")
    raw_total = figures["raw_encrypt_s"] + figures["raw_decrypt_s"]
    stream_total = figures["stream_encrypt_s"] + figures["stream_decrypt_s"]
    if not args.quick:
        wraps, unwraps = hpke_rates()
        print(f"hpke_wraps       {wraps:10.0f} /s")
        print(f"hpke_unwraps     {unwraps:10.0f} /s")
        start = time.perf_counter()
        argon2id(b"12345678901234567891", b"0123456789abcdef", PRODUCTION_ARGON2)
        print(f"argon2id_prod    {time.perf_counter() - start:10.3f} s (t=3, m=64 MiB, p=4)")
    print(f"size             {size:10d} MiB, best of {args.rounds}")
    print(f"crypto={raw_total / stream_total:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
