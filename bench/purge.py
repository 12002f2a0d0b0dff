"""The yearly purge at scale: CPU time to anonymise N pupils (with applications, transitions,
family data and an outbox of 10 e-mails per pupil, a third of them naming a pupil), three ways:

- `flask purge`: one pass over the outbox for every pupil due, then one transaction per pupil
  (resumable);
- the outbox searched with LIKE once per pupil (what a per-pupil scrub costs), one transaction
  per pupil;
- one transaction for all (the naive way: an interruption loses everything done so far, and the
  rows stay locked for the whole run), with the one outbox pass.

    python bench/purge.py [--pupils 1000] [--database-url postgresql://…]

CPU time is this process's (`time.process_time`): on SQLite it includes the database's work,
on PostgreSQL only the client side (the server's CPU is not counted). The machine is shared:
wall-clock figures are printed for information only.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.common import bench_app, cpu_model, engine_label, fresh_database, insert_rows  # noqa: E402
from capindustrie.extensions import db  # noqa: E402
from capindustrie.models import (  # noqa: E402
    Application,
    ApplicationTransition,
    Company,
    Offer,
    OutboxMessage,
    Period,
    Pupil,
    PupilFamily,
    SchoolClass,
    User,
)

PURGE_AT = datetime(2027, 7, 31, 0, 0)
PERIODS = 200


def build(url: str, pupils: int, rnd: random.Random):
    from flask_migrate import upgrade

    from capindustrie.refdata.services import load_reference_data

    app = bench_app(url)
    with app.app_context():
        upgrade()
        load_reference_data()
        schools = db.session.scalars(sa.select(sa.text("id")).select_from(sa.text("school"))).all()
        now = datetime(2026, 9, 1)
        company = {
            "id": 1,
            "siret": "12345678900010",
            "name": "Usine",
            "filiere": "materiaux",
            "status": "approved",
            "created_at": now,
        }
        offers = [
            {
                "id": n,
                "company_id": 1,
                "title": f"Offre {n}",
                "filiere": "materiaux",
                "for_3e": True,
                "status": "published",
                "published_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(1, PERIODS + 1)
        ]
        periods = [
            {
                "id": n,
                "offer_id": n,
                "level": "3e",
                "start_date": date(2027, 1, 11),
                "end_date": date(2027, 1, 15),
                "seats": 20,
            }
            for n in range(1, PERIODS + 1)
        ]
        classes, users, pupil_rows, families, applications, transitions = [], [], [], [], [], []
        outbox = []
        for n in range(1, pupils // 25 + 2):
            classes.append(
                {
                    "id": n,
                    "school_id": rnd.choice(schools),
                    "name": f"3e {n}",
                    "level": "3e",
                    "school_year": 2026,
                    "created_at": now,
                }
            )
        for n in range(1, pupils + 1):
            users.append(
                {
                    "id": n,
                    "role": "pupil",
                    "username": f"eleve.{n}",
                    "password_hash": "x",
                    "first_name": f"Prénom{n}",
                    "last_name": f"Nom{n}",
                    "created_at": now,
                }
            )
            pupil_rows.append(
                {
                    "id": n,
                    "user_id": n,
                    "class_id": (n - 1) // 25 + 1,
                    "birth_date": date(2012, 1, 1),
                }
            )
            families.append(
                {
                    "id": n,
                    "pupil_id": n,
                    "rep1_name": f"Parent {n}",
                    "rep1_email": f"parent{n}@exemple.fr",
                    "updated_at": now,
                }
            )
            for k in range(10):
                named = f"Prénom{n} N." if k % 3 == 0 else "votre classe"
                outbox.append(
                    {
                        "id": 10 * (n - 1) + k + 1,
                        "to_address": f"prof{n % 50}@ac-creteil.fr",
                        "subject": f"Stage à valider : {named}",
                        "body": "Bonjour,\n\n" + "Un message du service Cap Industrie. " * 20,
                        "status": "sent",
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                )
            for k, period in enumerate(rnd.sample(range(1, PERIODS + 1), 2)):
                app_id = 2 * n - 1 + k
                applications.append(
                    {
                        "id": app_id,
                        "pupil_id": n,
                        "period_id": period,
                        "status": "refused",
                        "message": f"Bonjour, je suis {n}.",
                        "created_at": now,
                        "status_changed_at": now,
                    }
                )
                transitions.append(
                    {
                        "id": app_id,
                        "application_id": app_id,
                        "from_status": None,
                        "to_status": "submitted",
                        "message": "Candidature",
                        "created_at": now,
                    }
                )
        insert_rows(
            [
                (Company, [company]),
                (Offer, offers),
                (Period, periods),
                (SchoolClass, classes),
                (User, users),
                (Pupil, pupil_rows),
                (PupilFamily, families),
                (Application, applications),
                (ApplicationTransition, transitions),
                (OutboxMessage, outbox),
            ],
            (
                "company",
                "offer",
                "period",
                "school_class",
                "user_account",
                "pupil",
                "pupil_family",
                "application",
                "application_transition",
                "outbox_message",
            ),
        )
    return app


def measure(app, way: str) -> tuple[float, float, int]:
    from capindustrie.privacy import purge

    with app.app_context():
        cpu, wall = time.process_time(), time.perf_counter()
        ids = db.session.scalars(purge.due_pupils_select(PURGE_AT)).all()
        if way == "purge":
            count = purge.run(PURGE_AT, ("pupils",), record_audit=False).counts["pupils"]
        elif way == "like":
            for pupil_id in ids:
                purge.anonymise_pupil(db.session.get(Pupil, pupil_id), PURGE_AT)
                db.session.commit()
            count = len(ids)
        else:
            purge.scrub_outbox_naming(ids)
            for pupil_id in ids:
                purge.anonymise_pupil(db.session.get(Pupil, pupil_id), PURGE_AT, outbox_done=True)
            db.session.commit()
            count = len(ids)
        result = time.process_time() - cpu, time.perf_counter() - wall, count
        left = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.deleted_at.is_(None)))
        assert left == 0, f"{left} pupils left"
        named = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.subject.contains("N."))
        )
        assert named == 0, f"{named} e-mails still name a pupil"
        db.session.remove()
    return result


WAYS = (
    ("purge", "flask purge: one outbox pass, a transaction per pupil"),
    ("like", "outbox LIKE per pupil, a transaction per pupil"),
    ("single", "one outbox pass, one transaction for all (naive)"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for way, label in WAYS:
            url = fresh_database(args.database_url, Path(workdir), args.pupils, f"purge_{way}")
            app = build(url, args.pupils, random.Random(args.seed))
            cpu, wall, count = measure(app, way)
            rows.append((label, count, cpu, wall))
            engine = engine_label(app)
    print(
        f"\nYearly purge of {args.pupils} pupils (2 applications, 10 outbox e-mails each) — "
        f"{engine}, {cpu_model()}"
    )
    print(f"{'way':<54} {'pupils':>7} {'CPU s':>7} {'CPU ms/pupil':>13} {'wall s':>7}")
    for label, count, cpu, wall in rows:
        print(f"{label:<54} {count:>7} {cpu:>7.2f} {1000 * cpu / count:>13.2f} {wall:>7.2f}")
    per_pupil = rows[0][2] / rows[0][1]
    print(
        f"\n75,000 pupils (a whole département's collégiens) ≈ {75_000 * per_pupil / 60:.0f} min "
        "of CPU at this rate, once a year, in the scheduler process."
    )


if __name__ == "__main__":
    main()
