"""Pure offer rules: legal hours for minors, periods, seats, tutor phone, free text.
No app and no clock: `today` is always passed."""

from datetime import date, time

import pytest

from capindustrie.config import DEFAULTS
from capindustrie.models.offers import Level
from capindustrie.offers.rules import (
    check_period,
    check_schedule,
    check_seats,
    display_phone,
    easter_sunday,
    french_public_holidays,
    normalize_phone,
    overlap_messages,
    overlapping_periods,
    phone_problem,
    plain_text_problem,
    school_year_of,
    seconde_fortnight,
    troisieme_span,
)

T = time.fromisoformat


def schedule(start, end, pause_start=None, pause_end=None, days=5):
    return check_schedule(
        T(start), T(end), pause_start and T(pause_start), pause_end and T(pause_end), days
    )


def only_error(result, fragment):
    assert len(result.errors) == 1, result.errors
    assert fragment in result.errors[0]


# --- Schedule ----------------------------------------------------------------------------------


def test_typical_schedule_is_accepted_with_its_durations():
    result = schedule("09:00", "16:00", "12:00", "13:00")
    assert result.ok and result.errors == []
    assert result.daily_minutes == 6 * 60
    assert result.weekly_minutes == 30 * 60
    assert result.warnings == []


def test_seven_hours_a_day_is_the_limit():
    at_limit = schedule("08:00", "15:30", "12:00", "12:30")
    assert at_limit.errors == [] and at_limit.daily_minutes == 7 * 60
    # 5 × 7 h 01 also exceeds 35 h a week, but only the daily rule is to blame.
    past = schedule("08:00", "15:31", "12:00", "12:30")
    assert past.errors == [
        "Durée de présence de 7 h 01 par jour : la convention nationale de la séquence "
        "d'observation limite la présence d'un élève à 7 h par jour (le Code du travail, "
        "L. 3162-1, fixe 8 h pour les jeunes travailleurs)."
    ]


def test_seven_and_a_half_hours_message_names_the_rule():
    result = schedule("08:00", "16:00", "12:00", "12:30")
    assert result.errors[0].startswith("Durée de présence de 7 h 30 par jour")


def test_thirty_five_hours_a_week_is_the_limit():
    at_limit = schedule("08:00", "15:30", "12:00", "12:30", days=5)
    assert at_limit.weekly_minutes == 35 * 60 and at_limit.errors == []
    # 6 days of 5 h 50 = 35 h: the weekly rule holds, only the weekly rest rule fails.
    six_days = schedule("08:00", "14:20", "12:00", "12:30", days=6)
    assert six_days.weekly_minutes == 35 * 60
    only_error(six_days, "deux jours de repos consécutifs")
    past = schedule("08:00", "14:31", "12:00", "12:30", days=6)
    assert past.weekly_minutes == 6 * 361
    assert any(
        "par semaine : la limite pour un mineur est de 35 h par semaine (Code du travail, "
        "L. 3162-1)" in e
        for e in past.errors
    )


def test_break_of_30_minutes_is_enough_29_is_not():
    assert schedule("08:00", "15:00", "12:00", "12:30").errors == []
    result = schedule("08:00", "15:00", "12:00", "12:29")
    only_error(result, "Pause de 29 min")
    assert "au moins 30 minutes consécutives" in result.errors[0]
    assert "L. 3162-3" in result.errors[0]


def test_short_break_is_fine_when_the_day_stays_under_four_and_a_half_hours():
    assert schedule("08:00", "12:30", "10:00", "10:15").errors == []


def test_no_break_needed_up_to_four_and_a_half_hours():
    assert schedule("08:00", "12:30").errors == []
    only_error(schedule("08:00", "12:31"), "Présence de 4 h 31 sans pause")


def test_continuous_stretch_of_four_and_a_half_hours_is_the_limit():
    assert schedule("08:00", "15:00", "12:30", "13:00").errors == []
    before = schedule("08:00", "14:00", "12:31", "13:01")
    only_error(before, "Présence continue de 4 h 31 avant la pause")
    after = schedule("08:00", "15:00", "09:00", "09:29")
    assert any("Présence continue de 5 h 31 après la pause" in e for e in after.errors)
    after_only = schedule("09:00", "16:00", "10:00", "10:30")
    only_error(after_only, "Présence continue de 5 h 30 après la pause")


def test_nothing_before_six_in_the_morning():
    assert schedule("06:00", "12:00", "10:00", "10:30").errors == []
    result = schedule("05:59", "12:00", "10:00", "10:30")
    only_error(result, "Arrivée à 5 h 59")
    assert "entre 20 h et 6 h pour un élève de moins de 16 ans" in result.errors[0]
    assert "L. 3163-1 et L. 3163-2" in result.errors[0]


def test_nothing_after_eight_in_the_evening():
    assert schedule("14:00", "20:00", "17:00", "17:30").errors == []
    result = schedule("14:00", "20:01", "17:00", "17:30")
    only_error(result, "Départ à 20 h 01")
    assert "entre 20 h et 6 h pour un élève de moins de 16 ans" in result.errors[0]
    assert "L. 3163-1 et L. 3163-2" in result.errors[0]


def test_departure_must_follow_arrival():
    only_error(schedule("16:00", "09:00"), "L'heure de départ doit être après l'heure d'arrivée.")
    only_error(schedule("09:00", "09:00"), "L'heure de départ doit être après")


@pytest.mark.parametrize(
    ("pause_start", "pause_end", "fragment"),
    [
        ("12:00", None, "le début et la fin de la pause"),
        (None, "12:00", "le début et la fin de la pause"),
        ("12:30", "12:00", "La fin de la pause doit être après son début."),
        ("07:30", "08:30", "La pause doit commencer après l'arrivée et finir avant le départ."),
        ("15:30", "16:30", "La pause doit commencer après l'arrivée et finir avant le départ."),
    ],
)
def test_malformed_breaks_are_refused(pause_start, pause_end, fragment):
    only_error(schedule("08:00", "16:00", pause_start, pause_end), fragment)


def test_thirty_hours_and_more_a_week_raises_no_warning():
    # The « over 30 h a week under 15 » advice had no legal source: it is gone.
    above = schedule("08:30", "16:00", "12:00", "12:30")
    assert above.ok and above.weekly_minutes == 35 * 60
    assert above.warnings == []


def test_daily_rest_of_fourteen_hours_under_sixteen():
    # 7 h of presence spread from 8 h to 18 h leaves exactly 14 h of rest: allowed.
    assert schedule("08:00", "18:00", "11:30", "14:30").errors == []
    result = schedule("08:00", "18:01", "11:30", "14:31")
    only_error(result, "il ne reste que 13 h 59 de repos avant le lendemain")
    assert "14 heures consécutives de repos" in result.errors[0]
    assert "12 heures à partir de 16 ans (Code du travail, L. 3164-1)" in result.errors[0]


def test_from_sixteen_the_rest_is_twelve_hours_and_the_night_starts_at_22():
    def older(start, end, pause_start, pause_end):
        return check_schedule(T(start), T(end), T(pause_start), T(pause_end), 5, under_16=False)

    assert older("08:00", "20:00", "11:00", "16:00").errors == []
    only_error(older("08:00", "20:01", "11:00", "16:01"), "il ne reste que 11 h 59 de repos")
    assert older("15:00", "22:00", "18:00", "18:30").errors == []
    only_error(older("15:30", "22:01", "18:00", "18:31"), "Départ à 22 h 01")


def test_four_day_week_counts_four_days():
    result = schedule("08:00", "15:30", "12:00", "12:30", days=4)
    assert result.weekly_minutes == 28 * 60 and result.warnings == []


# --- School year and periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2025, 9, 1), 2025),
        (date(2025, 8, 31), 2024),
        (date(2026, 6, 15), 2025),
        (date(2025, 12, 31), 2025),
        (date(2026, 1, 1), 2025),
    ],
)
def test_school_year_of(day, year):
    assert school_year_of(day) == year


def test_troisieme_span_2025_starts_on_monday_first_september():
    # 1 September 2025 is a Monday (the rentrée) and counts; 31 May 2026 is a Sunday.
    assert troisieme_span(2025) == (date(2025, 9, 1), date(2026, 5, 29))


def test_troisieme_span_2026():
    # 1 September 2026 is a Tuesday; 31 May 2027 is a Monday.
    assert troisieme_span(2026) == (date(2026, 9, 7), date(2027, 5, 28))


def test_easter_and_movable_holidays():
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2024) == date(2024, 3, 31)
    holidays = french_public_holidays(2027)
    assert len(holidays) == 11
    assert holidays[date(2027, 3, 29)] == "lundi de Pâques"
    assert holidays[date(2027, 5, 6)] == "Ascension"
    assert holidays[date(2027, 5, 17)] == "lundi de Pentecôte"
    assert holidays[date(2027, 11, 11)] == "Armistice 1918"


BEFORE_2026_27 = date(2026, 8, 20)


def period(level, start, end, today=BEFORE_2026_27, config=DEFAULTS):
    return check_period(level, date.fromisoformat(start), date.fromisoformat(end), today, config)


def test_troisieme_monday_to_friday_week_is_accepted():
    assert period(Level.TROISIEME, "2027-01-11", "2027-01-15") == []
    assert period("3e", "2026-09-07", "2026-09-11") == []
    assert period("3e", "2027-05-24", "2027-05-28") == []


def test_period_in_the_past_or_today_is_refused():
    errors = period("3e", "2026-12-07", "2026-12-11", today=date(2026, 12, 7))
    assert errors == [
        "La période commence le lundi 7 décembre 2026 : elle doit commencer après "
        "aujourd'hui (lundi 7 décembre 2026)."
    ]
    assert period("3e", "2026-12-07", "2026-12-11", today=date(2026, 12, 6)) == []


def test_end_before_start_is_refused():
    assert period("3e", "2027-01-15", "2027-01-11") == [
        "La date de fin doit être le jour de début ou après."
    ]


def test_troisieme_week_across_two_weeks_is_refused():
    errors = period("3e", "2027-01-13", "2027-01-19")
    assert len(errors) == 1
    assert "dans une seule semaine" in errors[0]
    assert "mercredi 13 janvier 2027" in errors[0]


def test_troisieme_weekend_bounds_are_refused():
    errors = period("3e", "2027-01-11", "2027-01-16")
    assert errors == [
        "Pour la 3e, la période commence et finit un jour de semaine (lundi à vendredi)."
    ]


def test_troisieme_short_week_without_holiday_is_refused():
    errors = period("3e", "2027-01-11", "2027-01-14")
    assert errors == [
        "Pour la 3e, le stage dure 5 jours, du lundi au vendredi : cette période en compte 4."
    ]


def test_troisieme_outside_the_span_is_refused():
    before = period("3e", "2026-08-31", "2026-09-04", today=date(2026, 8, 1))
    assert len(before) == 1 and "du lundi 7 septembre 2026 au vendredi 28 mai 2027" in before[0]
    after = period("3e", "2027-05-31", "2027-06-04")
    assert len(after) == 1 and "du lundi 7 septembre 2026 au vendredi 28 mai 2027" in after[0]


def test_troisieme_public_holiday_week_takes_four_days():
    # Wednesday 11 November 2026: Monday→Friday holds 4 working days.
    assert period("3e", "2026-11-09", "2026-11-13") == []
    # Week of Easter Monday 2027: Tuesday→Friday is the whole week's work.
    assert period("3e", "2027-03-30", "2027-04-02") == []
    assert period("3e", "2027-03-29", "2027-04-02") == []
    errors = period("3e", "2026-11-09", "2026-11-12")
    assert len(errors) == 1
    assert "4 jours quand la semaine compte un jour férié" in errors[0]
    assert "mercredi 11 novembre 2026 (Armistice 1918)" in errors[0]
    assert "en compte 3" in errors[0]


def test_troisieme_week_with_two_holidays_is_refused():
    # Easter 2035 is 25 March: Ascension is Thursday 3 May 2035, and 1 May is the Tuesday.
    errors = check_period("3e", date(2035, 4, 30), date(2035, 5, 4), date(2035, 1, 1), DEFAULTS)
    assert len(errors) == 1
    assert "2 jours fériés" in errors[0]


def test_holiday_week_across_new_year_uses_both_years():
    # Thursday 1 January 2026 in the week of Monday 29 December 2025.
    assert (
        check_period("3e", date(2025, 12, 29), date(2026, 1, 2), date(2025, 9, 1), DEFAULTS) == []
    )


SECONDE_TODAY = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-06-15", "2026-06-26"), ("2026-06-15", "2026-06-19"), ("2026-06-22", "2026-06-26")],
)
def test_seconde_national_fortnight_and_each_week_are_accepted(start, end):
    assert period(Level.SECONDE, start, end, today=SECONDE_TODAY) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-06-08", "2026-06-19"), ("2026-06-16", "2026-06-26"), ("2026-06-17", "2026-06-23")],
)
def test_seconde_other_period_is_refused_with_national_dates(start, end):
    errors = period("2nde", start, end, today=SECONDE_TODAY)
    assert errors == [
        "Pour la 2nde, la période est la quinzaine nationale, du lundi 15 juin 2026 au "
        "vendredi 26 juin 2026, ou l'une de ses deux semaines : du lundi 15 juin 2026 au "
        "vendredi 19 juin 2026, ou du lundi 22 juin 2026 au vendredi 26 juin 2026."
    ]


def test_seconde_dates_come_from_configuration_else_from_the_national_rule():
    # A configured year wins, even against the rule (the ministry may shift a year).
    config = {"SECONDE_PERIODS": {"2027": ("2028-06-12", "2028-06-23")}}
    assert seconde_fortnight(config, 2027) == (date(2028, 6, 12), date(2028, 6, 23))
    assert period("2nde", "2028-06-12", "2028-06-16", today=SECONDE_TODAY, config=config) == []
    # An unconfigured year: the two weeks ending on the last Friday before 1 July.
    assert seconde_fortnight(config, 2028) == (date(2029, 6, 18), date(2029, 6, 29))
    assert period("2nde", "2029-06-18", "2029-06-29", today=SECONDE_TODAY, config=config) == []


def test_seconde_fallback_fortnight_never_starts_on_a_public_holiday():
    # 2037-2038, unconfigured: the rule gives Monday 14 June 2038, the lundi de Pentecôte
    # (Easter 25 April 2038). The fortnight starts on Tuesday 15 June instead.
    config = {"SECONDE_PERIODS": {}}
    assert french_public_holidays(2038)[date(2038, 6, 14)] == "lundi de Pentecôte"
    assert seconde_fortnight(config, 2037) == (date(2038, 6, 15), date(2038, 6, 25))
    assert period("2nde", "2038-06-15", "2038-06-18", today=SECONDE_TODAY, config=config) == []
    assert period("2nde", "2038-06-15", "2038-06-25", today=SECONDE_TODAY, config=config) == []
    assert period("2nde", "2038-06-14", "2038-06-25", today=SECONDE_TODAY, config=config)


# --- Seats and overlaps --------------------------------------------------------------------------


def test_seats_range():
    assert check_seats(1) == [] and check_seats(20) == []
    assert check_seats(0) == ["Une période compte au moins 1 place."]
    assert check_seats(-3) == ["Une période compte au moins 1 place."]
    assert check_seats(21) == ["Une période compte au plus 20 places."]
    assert check_seats(None) == ["Indiquez un nombre de places."]


def test_seats_never_below_those_already_taken():
    assert check_seats(3, already_taken=3) == []
    assert check_seats(2, already_taken=3) == [
        "Impossible de descendre sous les 3 places déjà attribuées."
    ]
    assert check_seats(0, already_taken=1) == [
        "Une période compte au moins 1 place.",
        "Impossible de descendre sous la place déjà attribuée.",
    ]


def test_overlapping_periods():
    periods = [
        (date(2027, 1, 11), date(2027, 1, 15)),
        (date(2027, 1, 18), date(2027, 1, 22)),
        (date(2027, 1, 15), date(2027, 1, 15)),
        (date(2027, 1, 4), date(2027, 1, 29)),
    ]
    assert overlapping_periods(periods) == [(0, 2), (0, 3), (1, 3), (2, 3)]
    assert overlapping_periods(periods[:2]) == []
    assert overlap_messages(periods[:3]) == [
        "Les périodes n° 1 (du lundi 11 janvier 2027 au vendredi 15 janvier 2027) et n° 3 "
        "(du vendredi 15 janvier 2027 au vendredi 15 janvier 2027) se chevauchent."
    ]


# --- Phone -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "01 23 45 67 89",
        "01.23.45.67.89",
        "01-23-45-67-89",
        "0123456789",
        " 01 23 45 67 89 ",
        "+33 1 23 45 67 89",
        "+33123456789",
        "+33 (0)1 23 45 67 89",
        "0033 1 23 45 67 89",
    ],
)
def test_french_phone_formats_are_accepted_and_normalised(raw):
    assert phone_problem(raw) is None
    assert normalize_phone(raw) == "+33123456789"
    assert display_phone(normalize_phone(raw)) == "01 23 45 67 89"


@pytest.mark.parametrize(
    "raw",
    [
        "01 23 45 67 8",
        "01 23 45 67 890",
        "00 23 45 67 89",
        "+44 20 7946 0958",
        "06 12 34 56 7a",
        "+33 0 6 12 34 56 78",
        "٠١٢٣٤٥٦٧٨٩",
        "phone",
    ],
)
def test_bad_phones_are_refused(raw):
    assert phone_problem(raw) == (
        "Numéro de téléphone français attendu, par exemple 01 23 45 67 89 ou +33 1 23 45 67 89."
    )
    with pytest.raises(ValueError):
        normalize_phone(raw)


def test_blank_phone_is_a_problem():
    assert phone_problem("  ") == "Indiquez un numéro de téléphone."
    assert phone_problem(None) == "Indiquez un numéro de téléphone."


def test_mobile_number():
    assert normalize_phone("06 12 34 56 78") == "+33612345678"
    assert display_phone("+33612345678") == "06 12 34 56 78"


# --- Free text ---------------------------------------------------------------------------------


def test_text_length_limit():
    assert plain_text_problem("a" * 200, 200) is None
    assert plain_text_problem("a" * 201, 200) == "Ce texte dépasse 200 caractères."
    # A browser line break arrives as CRLF but counts as one character.
    assert plain_text_problem("ab\r\ncd", 5) is None
    assert plain_text_problem(None, 5) is None and plain_text_problem("", 5) is None


def test_html_is_kept_control_characters_are_refused():
    assert plain_text_problem("<script>alert(1)</script> 5 < 10", 200) is None
    assert plain_text_problem("ligne 1\nligne 2\tcolonne", 200) is None
    refused = "Ce texte contient un caractère de contrôle non autorisé."
    assert plain_text_problem("avant\x00après", 200) == refused
    assert plain_text_problem("cloche\x07", 200) == refused
    assert plain_text_problem("\x7f", 200) == refused
