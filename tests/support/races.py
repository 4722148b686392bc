"""Requests released together from threads, and Argon2 runs held until they meet.

The race tests (``tests/adversarial/test_races.py``) and the respondent's
takeover race (``tests/respondent/test_takeover.py``) send the same requests
at the same moment this way.
"""

from __future__ import annotations

import threading

# Argon2 slow enough that two requests overlap inside it.
SLOW_ENOUGH = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_KIB": 32768, "ARGON2_CONCURRENCY": 2}


def at_once(path: str, posts: list[tuple[object, dict[str, str]]]) -> list[tuple[int, str]]:
    """POST each (client, form) to ``path`` from threads released together; answers by status.

    A redirect's answer is the Location it names (followed by the caller).
    """
    start = threading.Barrier(len(posts))
    answers: list[tuple[int, str]] = []

    def post(client, data) -> None:
        start.wait()
        response = client.post(path, data=data)
        body = response.headers.get("Location", "") or response.get_data(as_text=True)
        answers.append((response.status_code, body))

    threads = [threading.Thread(target=post, args=item) for item in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(answers, key=lambda answer: answer[0])


def runs_meet(monkeypatch, parties: int) -> None:
    """Hold every Argon2 run until ``parties`` have finished theirs, so they write together.

    argon2-cffi's function is wrapped (it still runs): what follows the runs,
    the checks under the write lock and the flush, then happens in all of
    them at once, on PostgreSQL truly concurrently.
    """
    import crypto.kdf

    real = crypto.kdf.hash_secret_raw
    meeting = threading.Barrier(parties, timeout=20)

    def run_then_meet(*args, **kwargs):
        digest = real(*args, **kwargs)
        meeting.wait()
        return digest

    monkeypatch.setattr(crypto.kdf, "hash_secret_raw", run_then_meet)
