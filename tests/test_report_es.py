"""Tests of report.es: Spanish dates, numbers, lists, plurals, small counts in words."""

import datetime as dt
import math

import numpy as np

from nnsimple_lab.report import es


def test_spanish_date():
    assert es.spanish_date(dt.date(2026, 11, 29)) == "29 de noviembre de 2026"
    assert es.spanish_date(dt.date(2027, 1, 5)) == "5 de enero de 2027"


def test_number_formats():
    assert es.fmt_cost(math.log(2)) == "0.6931"
    assert es.fmt_cost(0.25) == "0.2500"
    assert es.fmt_cost(2.5e-5) == "$2.50 \\times 10^{-5}$"
    assert es.fmt_pct(0.85) == "85 %" and es.fmt_pct(1.0) == "100 %"
    assert es.fmt_lr(0.01) == "0.01" and es.fmt_lr(0.5) == "0.5" and es.fmt_lr(1) == "1.0"
    assert es.fmt_int(np.int64(1000)) == "1000"
    assert es.fmt_sci(2.0e-10) == "$2.0 \\times 10^{-10}$"
    assert es.fmt_sci(0.4193) == "0.42"
    assert es.fmt_sci(9.99e-5, math_mode=False) == "1.0 × 10^-4"  # rounds up to the next power
    assert es.fmt_value(-1e-9) == "0.0000"
    assert es.fmt_factor(5.0) == "5" and es.fmt_factor(2.5) == "2.5"
    for bad in (math.nan, math.inf, None):
        for fmt in (es.fmt_cost, es.fmt_pct, es.fmt_sci, es.fmt_value):
            assert fmt(bad) == "no finito"


def test_extreme_learning_rates_and_values_are_written_in_scientific_notation():
    assert es.alpha(1e300) == "$\\alpha = 1 \\times 10^{300}$"
    assert es.alpha(2.5e-7) == "$\\alpha = 2.5 \\times 10^{-7}$"
    assert es.alpha(0.5) == "$\\alpha = 0.5$"
    assert es.fmt_value(4.4273e300) == "$4.43 \\times 10^{300}$"
    assert es.fmt_value(-0.00001) == "0.0000"


def test_spanish_lists():
    assert es.join_es(["0.01", "0.1", "0.5"]) == "0.01, 0.1 y 0.5"
    assert es.join_es(["BCE"]) == "BCE" and es.join_es([]) == ""
    assert es.join_es(["ceros", "inicialización aleatoria"]) == "ceros e inicialización aleatoria"
    assert es.join_es(["agua", "hielo"]) == "agua y hielo"  # "hie" is not an /i/ sound
    assert es.join_es(["a", "b"], conjunction="o") == "a o b"


def test_words_plurals_and_capitals():
    assert es.plural(1, "semilla") == "1 semilla" and es.plural(3, "semilla") == "3 semillas"
    assert es.plural(2, "ejecución fallida", "ejecuciones fallidas") == "2 ejecuciones fallidas"
    assert es.number_word(4) == "cuatro" and es.number_word(10) == "diez" and es.number_word(11) == "11"
    assert es.cap("inicialización en ceros") == "Inicialización en ceros"
    assert es.cap("$\\alpha$ y BCE") == "$\\alpha$ y BCE"
    assert es.param_tex("W1") == "W_1" and es.param_tex("b2") == "b_2"
    assert es.finite(1.0) and es.finite(np.float64(2)) and not es.finite(math.nan) and not es.finite(None)


def test_scan_rates_ratios_and_plain_numbers():
    assert es.fmt_rate(0.5) == "0.5" and es.fmt_rate(1.0) == "1.0" and es.fmt_rate(0.1767766952966369) == "0.177"
    assert es.fmt_rate(2**6.5) == "90.5" and es.alpha(2**-10) == "$\\alpha = 0.000977$"
    assert es.fmt_ratio(0.9564) == "0.96" and es.fmt_ratio(1.8933) == "1.9" and es.fmt_ratio(math.nan) == "no finito"
    assert es.fmt_median(128.0) == "128" and es.fmt_median(536.5) == "536.5" and es.fmt_median(None) == "—"
    assert es.plain_cost(2.1e-6) == "2.1 × 10⁻⁶" and es.plain_cost(0.69314) == "0.6931"
    assert "\\" not in es.plain_cost(-4e-5)


def test_rates_phrase_summarises_many():
    assert es.rates_phrase([0.5, 0.01, 0.1]) == "0.01, 0.1 y 0.5"
    assert es.rates_phrase([0.001, 0.01, 0.1, 0.5, 1.0, 5.0]) == "6 tasas, de 0.001 a 5.0"
