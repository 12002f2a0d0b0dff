"""`flask matching simulate` on the reference data of the test database."""

import re


def _row(output: str, label: str) -> tuple[float, float]:
    line = next(line for line in output.splitlines() if line.startswith(label))
    numbers = re.findall(r"\d[\d\u202f]*(?:,\d+)?", line[len(label) :])
    greedy, optimal = (float(n.replace("\u202f", "").replace(",", ".")) for n in numbers[:2])
    return greedy, optimal


def test_simulation_compares_first_come_first_served_with_the_optimum(runner):
    result = runner.invoke(
        args=[
            "matching",
            "simulate",
            "--pupils",
            "600",
            "--colleges",
            "20",
            "--offers",
            "150",
            "--seats",
            "3",
            "--seed",
            "7",
        ]
    )

    assert result.exit_code == 0, result.output
    assert "600 élèves de 3e dans 20 collèges, 150 offres, 450 places" in result.output
    greedy, optimal = _row(result.output, "Élèves placés ")
    assert 0 < greedy <= optimal <= 450
    filled_greedy, filled_optimal = _row(result.output, "Places pourvues")
    assert filled_optimal == round(optimal / 450 * 100, 1)
    mean_greedy, mean_optimal = _row(result.output, "Trajet moyen estimé")
    assert 0 < mean_greedy <= 45 and 0 < mean_optimal <= 45
    p90_greedy, p90_optimal = _row(result.output, "Trajet estimé, 90e centile")
    assert p90_optimal <= 45
    assert "Élèves de REP/REP+ placés" in result.output
    assert f"place {int(optimal - greedy)} élève" in result.output


def test_simulation_honours_the_travel_limit_setting(make_app):
    app = make_app(MATCHING_MAX_TRAVEL_MINUTES=20)
    result = app.test_cli_runner().invoke(
        args=["matching", "simulate", "--pupils", "300", "--colleges", "10", "--offers", "100"]
    )
    assert result.exit_code == 0, result.output
    assert "trajet estimé de 20 min au plus" in result.output
    _greedy, p90 = _row(result.output, "Trajet estimé, 90e centile")
    assert p90 <= 20


def test_simulation_refuses_a_non_positive_size(runner):
    result = runner.invoke(args=["matching", "simulate", "--pupils", "0"])
    assert result.exit_code == 2
    assert "doit être un entier positif" in result.output
