"""Company-name normalization: every way people write the same name folds to the same words."""

from __future__ import annotations

import pytest

from alliance.customers.names import NormalizedName, normalize_name


def words(name: str) -> tuple[str, ...]:
    return normalize_name(name).tokens


class TestCaseAndPunctuation:
    @pytest.mark.parametrize("variant", ["ACME ANALYTICS", "acme analytics", "Acme-Analytics", "Acme, Analytics.", "  Acme   Analytics  ", "Acme/Analytics"])
    def test_same_words(self, variant):
        assert words(variant) == ("acme", "analytics")

    def test_apostrophes_join_the_word(self):
        assert words("McDonald's Corporation") == ("mcdonalds",)
        assert words("L'Oréal S.A.") == ("loreal",)

    def test_spacing_does_not_change_the_compact_key(self):
        assert normalize_name("Micro Soft").compact == normalize_name("Microsoft Corp").compact

    def test_dotted_and_spaced_initials(self):
        assert words("I.B.M. Corp") == words("IBM") == words("I B M") == ("ibm",)


class TestAccents:
    @pytest.mark.parametrize(
        ("accented", "plain"),
        [
            ("Société Générale", "Societe Generale"),
            ("Nestlé S.A.", "Nestle"),
            ("Ørsted A/S", "Orsted"),
            ("Müller Straße GmbH", "Muller Strasse"),
            ("Łukasz Sp. z o.o.", "Lukasz"),
            ("Telefónica", "TELEFONICA"),
            ("Bøhmer Æble", "Bohmer Aeble"),
        ],
    )
    def test_folded(self, accented, plain):
        assert words(accented) == words(plain)

    def test_other_scripts_are_kept(self):
        assert words("Газпром ПАО") == ("газпром",)
        assert words("株式会社トヨタ")  # not split, but never emptied


class TestLegalForms:
    @pytest.mark.parametrize(
        "name",
        [
            "Acme Inc",
            "Acme Inc.",
            "Acme, Incorporated",
            "Acme Corp",
            "Acme Corporation",
            "Acme LLC",
            "Acme L.L.C.",
            "Acme Ltd",
            "Acme Limited",
            "Acme GmbH",
            "Acme AG",
            "Acme S.A.",
            "Acme SA",
            "Acme SpA",
            "Acme S.p.A.",
            "Acme B.V.",
            "Acme BV",
            "Acme N.V.",
            "Acme Pty Ltd",
            "Acme K.K.",
            "Acme Co.",
            "Acme Co., Ltd.",
            "Acme PLC",
            "Acme SAS",
            "Acme SARL",
            "Acme AB",
            "Acme AB (publ)",
            "Acme AS",
            "Acme A/S",
            "Acme ApS",
            "Acme Oy",
            "Acme Oyj",
            "Acme Srl",
            "Acme S.r.l.",
            "Acme KG",
            "Acme GmbH & Co. KG",
            "Acme S.A. de C.V.",
            "Acme S. de R.L. de C.V.",
            "Acme Ltda.",
            "Acme Pvt Ltd",
            "Acme Pte. Ltd.",
            "Acme Sp. z o.o.",
            "Acme s.r.o.",
            "Acme Kft.",
            "Acme Sdn Bhd",
            "Acme FZ-LLC",
            "Acme LLP",
            "Acme & Co",
            "Acme and Company",
            "Acme Company",
            "PT Acme Tbk",
            "OOO Acme",
            "Kabushiki Kaisha Acme",
            "Acme SE",
        ],
    )
    def test_stripped(self, name):
        assert words(name) == ("acme",)

    def test_stacked_forms_are_all_stripped(self):
        assert words("Acme Holdings Pty Ltd") == ("acme", "holdings")

    def test_a_form_inside_the_name_stays(self):
        assert words("Inc Magazine Group") == ("inc", "magazine", "group")

    def test_never_emptied(self):
        assert words("Company") == ("company",)
        assert words("Inc.") == ("inc",)

    def test_no_letters_or_digits(self):
        assert words("!!! ---") == ()


class TestAndTheAbbreviations:
    def test_ampersand_is_and(self):
        assert words("Smith & Wesson") == words("Smith and Wesson") == ("smith", "and", "wesson")

    def test_leading_the(self):
        assert words("The Acme Group") == words("Acme Group")
        assert words("Acme Company, The") == ("acme",)

    @pytest.mark.parametrize(
        ("short", "long"),
        [
            ("Acme Intl", "Acme International"),
            ("Acme Svcs", "Acme Services"),
            ("Acme Mfg", "Acme Manufacturing"),
            ("Acme Tech", "Acme Technologies"),
            ("Acme Sys", "Acme Systems"),
            ("Acme Grp", "Acme Group"),
            ("Acme Hldgs", "Acme Holdings"),
            ("Acme Assoc", "Acme Associates"),
            ("Natl Acme", "National Acme"),
            ("Acme Labs", "Acme Laboratories"),
            ("Acme Mgmt", "Acme Management"),
            ("Acme Int'l", "Acme International"),
        ],
    )
    def test_abbreviations(self, short, long):
        assert words(short) == words(long)

    def test_everything_at_once(self):
        assert words("The ACME Intl. Svcs, S.p.A.") == words("Acme International Services") == ("acme", "international", "services")


def test_from_key_round_trips():
    name = normalize_name("The Acme Analytics Group, Inc.")
    assert NormalizedName.from_key(name.key) == name
