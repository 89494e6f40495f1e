"""Key points keep each fact once (summarise.key_points)."""

from summarise.key_points import distinct

HEGSETH = (
    "Defense Secretary Pete Hegseth urged NATO allies to agree with the significant increase "
    "in defense spending by Donald Trump ahead of the summit later this month."
)
RESTATED = (
    "U. S. Defense Secretary Pete Hegseth urged NATO members to agree with the significant "
    "increase in defense spending by Donald Trump ahead of the summit later this month."
)
RUTTE = "Mark Rutte proposed 3.5% of GDP for core military spending by 2032."
SPAIN = "Spain will only meet the current 2% target by the end of this year."


def test_a_restated_point_is_dropped() -> None:
    assert distinct([HEGSETH, RUTTE, RESTATED, SPAIN], at_least=3) == [HEGSETH, RUTTE, SPAIN]


def test_the_same_point_twice_is_kept_once() -> None:
    assert distinct([RUTTE, SPAIN, RUTTE.upper(), HEGSETH], at_least=3) == [RUTTE, SPAIN, HEGSETH]


def test_facts_worded_alike_are_both_kept() -> None:
    points = [
        "The storm delayed flights in New York by an hour.",
        "The storm delayed flights in Philadelphia by an hour.",
        RUTTE,
    ]
    assert distinct(points, at_least=3) == points


def test_restatements_come_back_in_order_to_keep_the_minimum() -> None:
    points = [HEGSETH, RESTATED, RUTTE, RUTTE, RUTTE]
    assert distinct(points, at_least=3) == [HEGSETH, RESTATED, RUTTE]
    assert distinct(points, at_least=4) == [HEGSETH, RESTATED, RUTTE, RUTTE]
