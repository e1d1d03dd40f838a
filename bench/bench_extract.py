"""Throughput and memory of the document reader (congvu.directives.extract) on text input.

    .venv/bin/python bench/bench_extract.py [--rounds N]

Reads the dev set (../shared/corpus/dev) and our corpus (tests/directives/corpus), then extracts every
document N times in one process (one core).  Prints documents per second, the tracemalloc peak of the
first and of the last round (flat = no growth), the process's max RSS, the time for the largest
accepted input (a document repeated up to MAX_CHARS) and the time to refuse a 50 MB text.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from congvu.directives.extract import MAX_CHARS, ExtractError, extract  # noqa: E402


def dev_folder() -> Path | None:
    return next((p for p in (ROOT.parent / "shared/corpus/dev", ROOT.parents[1] / "shared/corpus/dev",
                             Path("/work/shared/corpus/dev")) if p.is_dir()), None)


def corpus(folders=None) -> list[str]:
    folders = folders or [f for f in (dev_folder(), ROOT / "tests/directives/corpus") if f]
    return [p.read_text(encoding="utf-8") for f in folders for p in sorted(f.glob("*.txt"))]


def throughput(docs: list[str], rounds: int) -> tuple[float, float]:
    """(documents per CPU-second, documents per wall-clock second)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for d in docs:
            extract(d)
    n = rounds * len(docs)
    return n / (time.process_time() - cpu_start), n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    docs = corpus()
    chars = sum(len(d) for d in docs)
    print(f"{len(docs)} documents, {chars / len(docs):.0f} characters on average")
    for d in docs:  # warm up (regex compilation, caches)
        extract(d)

    # CPU time is what one core spends; wall time also counts waiting for a shared machine
    cpu, wall = throughput(docs, args.rounds)
    print(f"throughput, dev set + own corpus: {cpu:.0f} documents per CPU-second, {wall:.0f} documents/s wall "
          f"({args.rounds * len(docs)} extractions, one process)")
    dev = corpus([dev_folder()]) if dev_folder() else []
    if dev:
        cpu, wall = throughput(dev, args.rounds * 4)
        print(f"throughput, dev set only ({sum(map(len, dev)) / len(dev):.0f} characters on average): "
              f"{cpu:.0f} documents per CPU-second, {wall:.0f} documents/s wall")

    peaks = []
    for r in range(args.rounds):
        tracemalloc.start()
        for d in docs:
            extract(d)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        if r not in (0, args.rounds - 1):
            continue
    print(f"tracemalloc peak per round: first {peaks[0] / 1024:.0f} KiB, last {peaks[-1] / 1024:.0f} KiB, "
          f"max {max(peaks) / 1024:.0f} KiB")
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    big = ""
    while len(big) + len(docs[1]) + 2 < MAX_CHARS:
        big += docs[1] + "\n\n"
    start = time.perf_counter()
    result = extract(big)
    print(f"largest accepted input ({len(big):,} characters): {time.perf_counter() - start:.2f} s, "
          f"{len(result['tasks'])} tasks")

    huge = "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính. " * (50 * 1024 * 1024 // 52)
    start = time.perf_counter()
    try:
        extract(huge)
        print("50 MB text: NOT refused")
    except ExtractError as exc:
        print(f"50 MB text: refused in {(time.perf_counter() - start) * 1000:.1f} ms — {exc.message}")


if __name__ == "__main__":
    main()
