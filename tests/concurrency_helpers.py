"""Races through the real HTTP stack (PostgreSQL-only tests): one app and one logged-in client
per contender, and a barrier that releases every request at the same moment."""

import threading


def logged_in_client(app, user_id: str):
    """A test client of `app` whose session is `user_id`'s (fresh login), and its CSRF token."""
    client = app.test_client()
    with client.session_transaction() as s:
        s["_user_id"] = user_id
        s["_fresh"] = True
    return client, client.csrf_token()


def at_once(calls, timeout: float) -> list:
    """Run every call in its own thread, all released together; their results, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def worker(i: int) -> None:
        barrier.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(answer is not None for answer in answers), "a request did not finish"
    return answers
