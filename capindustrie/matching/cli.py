"""`flask matching simulate`: first come, first served against the optimal assignment."""

import time

import click
import numpy as np
from flask import current_app
from flask.cli import AppGroup

from capindustrie.matching.solver import first_come_first_served, solve
from capindustrie.matching.synthetic import build_departement, reference_from_database

matching_cli = AppGroup("matching", help="Propositions de stage optimales (simulation).")


def _summary(assignment, dep) -> dict:
    minutes = np.array([p.minutes for p in assignment.proposals] or [0])
    placed = {p.pupil_id for p in assignment.proposals}
    return {
        "placed": assignment.placed,
        "filled": assignment.placed / max(1, sum(p.seats_left for p in dep.periods)),
        "mean": float(minutes.mean()),
        "p90": float(np.percentile(minutes, 90)),
        "rep": len(placed & dep.rep_pupils),
        "wish": sum(p.wish_rank is not None for p in assignment.proposals),
    }


def _french(number: float, decimals: int = 0) -> str:
    text = f"{number:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def simulation_table(dep, greedy, optimal, greedy_s: float, optimal_s: float) -> list[str]:
    g, o = _summary(greedy, dep), _summary(optimal, dep)
    rows = [
        ("Élèves placés", _french(g["placed"]), _french(o["placed"])),
        (
            "Places pourvues",
            f"{_french(g['filled'] * 100, 1)} %",
            f"{_french(o['filled'] * 100, 1)} %",
        ),
        ("Trajet moyen estimé (min)", _french(g["mean"], 1), _french(o["mean"], 1)),
        ("Trajet estimé, 90e centile (min)", _french(g["p90"]), _french(o["p90"])),
        ("Élèves de REP/REP+ placés", _french(g["rep"]), _french(o["rep"])),
        ("Élèves placés sur un de leurs vœux", _french(g["wish"]), _french(o["wish"])),
        ("Temps de calcul (s)", _french(greedy_s, 2), _french(optimal_s, 2)),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':<{width}}  {'Premier arrivé':>16}  {'Optimal':>12}"]
    lines += [f"{label:<{width}}  {a:>16}  {b:>12}" for label, a, b in rows]
    return lines


@matching_cli.command("simulate")
@click.option("--pupils", default=18_000, show_default=True, help="Élèves de 3e à placer.")
@click.option("--colleges", default=160, show_default=True, help="Collèges (réels) utilisés.")
@click.option("--offers", default=6_000, show_default=True, help="Offres tirées au hasard.")
@click.option("--seats", default=3, show_default=True, help="Places par offre.")
@click.option("--seed", default=2026, show_default=True, help="Graine du tirage.")
def simulate_command(pupils: int, colleges: int, offers: int, seats: int, seed: int):
    """Compare « premier arrivé, premier servi » et l'affectation optimale sur un département
    synthétique (établissements réels, places tirées autour des communes industrielles)."""
    schools, communes = reference_from_database()
    if not any(s.is_college for s in schools):
        raise click.ClickException(
            "Aucun collège dans la base : chargez d'abord les données de référence "
            "(flask refdata load)."
        )
    for name, value in (
        ("--pupils", pupils),
        ("--colleges", colleges),
        ("--offers", offers),
        ("--seats", seats),
    ):
        if value < 1:
            raise click.BadParameter("doit être un entier positif.", param_hint=name)
    max_minutes = int(current_app.config["MATCHING_MAX_TRAVEL_MINUTES"])
    dep = build_departement(
        schools,
        communes,
        pupils=pupils,
        colleges=colleges,
        offers=offers,
        seats_per_offer=seats,
        max_minutes=max_minutes,
        seed=seed,
    )
    started = time.perf_counter()
    greedy = first_come_first_served(dep.pupils, dep.periods, dep.reach, max_minutes, seed)
    greedy_s = time.perf_counter() - started
    started = time.perf_counter()
    optimal = solve(dep.pupils, dep.periods, dep.reach, max_minutes)
    optimal_s = time.perf_counter() - started
    click.echo(
        f"{_french(len(dep.pupils))} élèves de 3e dans {_french(colleges)} collèges, "
        f"{_french(len(dep.periods))} offres, "
        f"{_french(sum(p.seats_left for p in dep.periods))} places ; "
        f"trajet estimé de {max_minutes} min au plus."
    )
    for line in simulation_table(dep, greedy, optimal, greedy_s, optimal_s):
        click.echo(line)
    gained = optimal.placed - greedy.placed
    click.echo(
        f"L'affectation optimale place {_french(gained)} élève{'s' if abs(gained) > 1 else ''}"
        f" de plus que « premier arrivé, premier servi »."
    )
