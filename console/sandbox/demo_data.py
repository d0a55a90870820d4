"""Realistic, deterministic people for every emulator's seed data.

Emails use only reserved example domains and phones only numbers set aside for fiction
(US 555-01xx, Ofcom drama ranges, ARCEP and Bundesnetzagentur fiction ranges), so demo data
never reaches a real person.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.domain.gc_pause import gc_paused


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A postal address whose city, region and postcode agree with each other and the country."""

    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str
    country: str


@dataclass(frozen=True, slots=True)
class Person:
    """One generated customer; each emulator maps it onto its provider's fields."""

    given_name: str
    family_name: str
    company: str | None
    email: str
    phone: str
    address: PostalAddress
    birthday: str | None
    note: str | None
    reference_id: str | None
    created_at: datetime
    updated_at: datetime


# -- names ----------------------------------------------------------------------------------------

# (weight, given names, family names) per naming tradition; a few carry apostrophes, hyphens, accents.
_CULTURES: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = (
    (30, ("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "William",
          "Elizabeth", "Sarah", "Thomas", "Emily", "Daniel", "Jessica", "Matthew", "Ashley", "Christopher",
          "Amanda", "Andrew", "Steven", "Laura", "Kevin", "Rachel", "Grace", "Oliver", "Charlotte", "Henry"),
     ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
      "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
      "Young", "Allen", "Wright", "King", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell",
      "Mitchell", "Roberts", "Carter", "Evans", "Turner", "Parker", "Collins", "Cooper", "Bennett",
      "Hughes", "Foster", "Smith-Jones", "Fairweather")),
    (5, ("Siobhán", "Aoife", "Niamh", "Seán", "Ciarán", "Declan", "Orla", "Pádraig", "Róisín", "Liam"),
     ("O'Brien", "O'Connor", "O'Sullivan", "McCarthy", "Byrne", "Kennedy", "Walsh", "Doyle", "D'Arcy",
      "MacLeod")),
    (12, ("José", "María", "Juan", "Ana", "Luis", "Sofía", "Carlos", "Lucía", "Javier", "Camila",
          "Alejandro", "Valentina", "Diego", "Mariana", "Raúl", "Inés", "Mateo", "Ximena"),
     ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
      "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Núñez", "Ortiz", "García-López", "Castillo",
      "Vargas", "Romero")),
    (5, ("Anne-Marie", "Jean-Luc", "Chloé", "Élodie", "Théo", "Léa", "François", "Amélie", "Mathis", "Zoé",
         "Hélène", "Benoît"),
     ("Lefèvre", "Dubois", "Moreau", "Laurent", "Girard", "Fontaine", "Rousseau", "Lambert", "Bonnet",
      "Mercier", "Chevalier", "Leclerc", "D'Amboise")),
    (5, ("Jürgen", "Lukas", "Anna", "Sophie", "Maximilian", "Lena", "Felix", "Hannah", "Jörg", "Katharina",
         "Sebastian", "Marie"),
     ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schröder",
      "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Groß")),
    (4, ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo", "Alessandro", "Sara", "Niccolò"),
     ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "D'Angelo",
      "De Luca")),
    (3, ("Søren", "Åsa", "Björn", "Ingrid", "Lars", "Freja", "Mikael", "Sigrid", "Astrid"),
     ("Jensen", "Nielsen", "Hansen", "Larsen", "Andersson", "Johansson", "Lindqvist", "Bjørnstad",
      "Ødegaard")),
    (4, ("Łukasz", "Agnieszka", "Piotr", "Katarzyna", "Dmitri", "Olga", "Ivan", "Natalia", "Tomáš",
         "Zuzana"),
     ("Kowalski", "Nowak", "Wójcik", "Kowalczyk", "Ivanova", "Petrov", "Novák", "Dvořák", "Horváth")),
    (3, ("Nikos", "Eleni", "Giorgos", "Ayşe", "Mehmet", "Emre", "Zeynep", "Dimitra"),
     ("Papadopoulos", "Georgiou", "Yılmaz", "Kaya", "Demir", "Şahin", "Öztürk", "Alexiou")),
    (5, ("Omar", "Fatima", "Ahmed", "Layla", "Yusuf", "Amira", "Khalid", "Noor", "Rania", "Tariq"),
     ("Haddad", "Al-Sayed", "Khalil", "Nasser", "Mansour", "Al-Amin", "Hassan", "Farouk", "Saleh")),
    (7, ("Priya", "Arjun", "Ananya", "Rohan", "Aisha", "Vikram", "Deepa", "Rahul", "Sanjay", "Kavya",
         "Neha", "Aditya"),
     ("Patel", "Sharma", "Singh", "Gupta", "Reddy", "Iyer", "Nair", "Kumar", "Desai", "Mehta",
      "Chatterjee", "Banerjee")),
    (6, ("Wei", "Mei", "Jun", "Xiao", "Yan", "Hui", "Ming", "Jing", "Lei", "Fang"),
     ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin")),
    (3, ("Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Hiroshi", "Yui", "Kenji"),
     ("Tanaka", "Sato", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi")),
    (3, ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo"),
     ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon")),
    (2, ("Linh", "Minh", "Anh", "Huong", "Duc", "Thao"),
     ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu")),
    (5, ("Chinedu", "Ngozi", "Adebayo", "Amara", "Kwame", "Abena", "Tunde", "Zanele", "Sipho", "Wanjiru"),
     ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Nkosi", "Dlamini", "Kamau", "Abiodun", "Eze")),
)

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE",
                       "ı": "i", "đ": "d", "Đ": "D", "œ": "oe"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` ("O'Brien" -> "obrien", "Jürgen" -> "jurgen")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def ascii_letters(text: str) -> str:
    """`text` in ASCII letters and single spaces ("Anne-Marie O'Brien" -> "Anne Marie OBrien")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).replace("-", " "))
    kept = "".join(ch for ch in decomposed if (ch.isascii() and ch.isalpha()) or ch == " ")
    return " ".join(kept.split())


def _cumulative(weights: list[int]) -> list[float]:
    total = float(sum(weights))
    out, running = [], 0.0
    for weight in weights:
        running += weight
        out.append(running / total)
    return out


def _pick_weighted(cumulative: list[float], r: float) -> int:
    return min(bisect.bisect_right(cumulative, r), len(cumulative) - 1)


_CULTURE_EDGES = _cumulative([weight for weight, _, _ in _CULTURES])
_SLUGS = {name: ascii_slug(name) for _, given, family in _CULTURES for name in (*given, *family)}

# -- places ---------------------------------------------------------------------------------------

_US_STREETS = ("Main St", "Oak Avenue", "Pine Street", "Maple Ave", "Cedar Lane", "Elm Street", "Washington Blvd",
               "Lakeview Drive", "Park Place", "2nd Avenue", "Sunset Blvd", "Market Street", "Broadway",
               "Highland Ave", "River Road", "Mill Street", "Church Street", "Spring Street", "Chestnut St",
               "Willow Way")
_GB_STREETS = ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road", "Queen Street",
               "King's Road", "Mill Lane", "Albert Street", "The Crescent")
_DE_STREETS = ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Goethestraße", "Lindenallee",
               "Am Markt", "Friedrichstraße", "Bergstraße", "Kirchplatz")
_FR_STREETS = ("rue de la Paix", "avenue Victor Hugo", "boulevard Saint-Michel", "rue du Faubourg Saint-Antoine",
               "place de la République", "rue des Lilas", "quai des Chartrons", "rue Nationale")
_US_LINE2 = ("Suite 200", "Apt 4B", "Unit 12", "Floor 3", "Apt 1203", "Suite 110", "#5")
_GB_LINE2 = ("Flat 3", "Unit 5", "Flat 12B", "2nd Floor")
_DE_LINE2 = ("2. OG", "Hinterhaus", "c/o Büro 4")
_FR_LINE2 = ("Bâtiment B", "3e étage", "Appartement 12")

# US/CA: (city, state, postcode prefix, area codes)
_US_CITIES = (("Seattle", "WA", "981", ("206",)), ("Portland", "OR", "972", ("503",)),
              ("San Francisco", "CA", "941", ("415",)), ("Los Angeles", "CA", "900", ("213", "310")),
              ("Austin", "TX", "787", ("512",)), ("Chicago", "IL", "606", ("312", "773")),
              ("New York", "NY", "100", ("212", "646")), ("Brooklyn", "NY", "112", ("718",)),
              ("Boston", "MA", "021", ("617",)), ("Denver", "CO", "802", ("303", "720")),
              ("Atlanta", "GA", "303", ("404",)), ("Miami", "FL", "331", ("305",)),
              ("Minneapolis", "MN", "554", ("612",)), ("Phoenix", "AZ", "850", ("602",)),
              ("Nashville", "TN", "372", ("615",)))
_CA_CITIES = (("Toronto", "ON", "M", ("416", "647")), ("Vancouver", "BC", "V", ("604",)),
              ("Montréal", "QC", "H", ("514",)), ("Calgary", "AB", "T", ("403",)))
# GB: (city, postcode districts, fictional phone prefix)
_GB_CITIES = (("London", ("EC1A", "SW1A", "N1", "E2", "W1D", "SE1", "NW3"), "+44 20 7946 0"),
              ("Manchester", ("M1", "M4", "M20"), "+44 161 496 0"),
              ("Edinburgh", ("EH1", "EH3"), "+44 131 496 0"),
              ("Bristol", ("BS1", "BS8"), "+44 117 496 0"))
# The county staff write on a GB address; providers that take an address only whole (Clover) need it.
_GB_COUNTIES = {"London": "Greater London", "Manchester": "Greater Manchester", "Edinburgh": "City of Edinburgh",
                "Bristol": "City of Bristol"}
# DE: (city, state, lowest and highest postcode, fictional phone prefix)
_DE_CITIES = (("Berlin", "Berlin", 10115, 14199, "+49 30 23125 "),
              ("München", "Bayern", 80331, 81929, "+49 89 99998 "),
              ("Hamburg", "Hamburg", 20095, 22769, "+49 40 66969 "),
              ("Köln", "Nordrhein-Westfalen", 50667, 51149, "+49 221 4710 "),
              ("Frankfurt am Main", "Hessen", 60311, 60599, "+49 69 90009 "))
# FR: (city, region, postcodes, fictional phone prefix)
_FR_CITIES = (("Paris", "Île-de-France", tuple(f"750{n:02d}" for n in range(1, 21)), "+33 1 99 00 "),
              ("Lyon", "Auvergne-Rhône-Alpes", tuple(f"6900{n}" for n in range(1, 10)), "+33 4 65 71 "),
              ("Marseille", "Provence-Alpes-Côte d'Azur", tuple(f"130{n:02d}" for n in range(1, 17)),
               "+33 4 65 71 "),
              ("Bordeaux", "Nouvelle-Aquitaine", ("33000", "33100", "33200", "33300", "33800"), "+33 5 36 49 "),
              ("Lille", "Hauts-de-France", ("59000", "59160", "59800"), "+33 3 53 01 "))
_COUNTRY_EDGES = _cumulative([70, 6, 10, 7, 7])  # US, CA, GB, DE, FR
_GB_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"

# -- companies, notes, emails ---------------------------------------------------------------------

_COMPANY_FIRST = ("Blue Heron", "Northwind", "Harbor", "Silver Birch", "Red Maple", "Golden Gate", "Cedar & Pine",
                  "Lakeside", "Summit", "Evergreen", "Copper Kettle", "Brightwater", "Old Town", "Riverbend",
                  "Iron Horse", "Sunrise", "Stonebridge", "Juniper", "Wildflower", "Blackbird")
_COMPANY_KIND = ("Bakery", "Coffee Roasters", "Florist", "Hardware", "Books", "Bicycles", "Dental",
                 "Design Studio", "Catering", "Landscaping", "Consulting", "Auto Repair", "Yoga", "Pet Supply",
                 "Brewing Co.", "Tailors", "Photography", "Wine Bar", "Plumbing", "Events")
_COMPANY_SUFFIX = {"US": ("", "", " LLC", " Inc."), "CA": ("", " Inc.", " Ltd."), "GB": ("", " Ltd", " Ltd"),
                   "DE": ("", " GmbH", " GmbH & Co. KG"), "FR": ("", " SARL", " SAS")}
_NOTES = ("Prefers email over phone calls.", "Call before delivering; the buzzer is broken.",
          "Regular since the opening week.", "Allergic to nuts: flag on every order.",
          "Asked for invoices in the company name.", "Wholesale pricing agreed in March.",
          "Do not send marketing by post.", "Picks up on Fridays after 5 pm.",
          "Tax-exempt certificate on file.", "Referred by a friend; offer the loyalty card.",
          "Left a lovely review, send a thank-you note.", "Speaks French and English.",
          "Second account exists under the business email.", "Prefers text messages.",
          "Large order every quarter, usually in the first week.")
_DOMAINS = ("example.com", "example.com", "example.com", "example.org", "example.net", "mail.example.com",
            "inbox.example.net", "post.example.org", "example.org", "example.net")
_REFERENCE_PREFIXES = ("CRM", "CRM", "CRM", "ERP", "POS", "SHOP")

_START = datetime(2023, 1, 1, tzinfo=UTC)
_SPAN_MS = int((datetime(2026, 11, 1, tzinfo=UTC) - _START).total_seconds() * 1000)


def _email(given: str, family: str, company_slug: str | None, rand: Callable[[], float]) -> str:
    g, f = _SLUGS.get(given) or ascii_slug(given), _SLUGS.get(family) or ascii_slug(family)
    x = rand()
    if x < 0.33:
        local = f"{g}.{f}"
    elif x < 0.43:
        local = f"{g}{f}"
    elif x < 0.58:
        local = f"{g[:1]}{f}"
    elif x < 0.63:
        local = f"{g}_{f}"
    elif x < 0.75:
        local = f"{g}.{f}{int(rand() * 98) + 1}"
    elif x < 0.80:
        local = f"{f}.{g}"
    elif x < 0.90:
        local = f"{g}{int(rand() * 98) + 1}"
    else:
        local = f"{g[:1]}.{f}"
    domain = f"{company_slug}.example.com" if company_slug and rand() < 0.5 else _DOMAINS[int(rand() * len(_DOMAINS))]
    return f"{local}@{domain}"


def _us_phone(area: str, rand: Callable[[], float]) -> str:
    line = f"01{int(rand() * 100):02d}"
    x = rand()
    if x < 0.30:
        return f"({area}) 555-{line}"
    if x < 0.50:
        return f"+1 {area}-555-{line}"
    if x < 0.65:
        return f"{area}555{line}"
    if x < 0.78:
        return f"{area}-555-{line}"
    if x < 0.88:
        return f"+1{area}555{line}"
    return f"{area}.555.{line}"


def _address_and_phone(rand: Callable[[], float]) -> tuple[PostalAddress, str]:
    country = _pick_weighted(_COUNTRY_EDGES, rand())
    number = int(rand() * rand() * 4000) + 1  # skewed towards small house numbers
    if country <= 1:
        city, state, prefix, areas = (_US_CITIES if country == 0 else _CA_CITIES)[
            int(rand() * (len(_US_CITIES) if country == 0 else len(_CA_CITIES)))]
        if country == 0:
            postal = f"{prefix}{int(rand() * 99) + 1:02d}"
        else:
            letters, digits = _CA_LETTERS, "0123456789"
            postal = (f"{prefix}{digits[int(rand() * 10)]}{letters[int(rand() * 20)]} "
                      f"{digits[int(rand() * 10)]}{letters[int(rand() * 20)]}{digits[int(rand() * 10)]}")
        line2 = _US_LINE2[int(rand() * len(_US_LINE2))] if rand() < 0.2 else None
        street = _US_STREETS[int(rand() * len(_US_STREETS))]
        phone = _us_phone(areas[int(rand() * len(areas))], rand)
        return PostalAddress(f"{number} {street}", line2, city, state, postal, "US" if country == 0 else "CA"), phone
    if country == 2:
        city, districts, phone_prefix = _GB_CITIES[int(rand() * len(_GB_CITIES))]
        letters = _GB_INWARD_LETTERS
        postal = (f"{districts[int(rand() * len(districts))]} {int(rand() * 10)}"
                  f"{letters[int(rand() * 20)]}{letters[int(rand() * 20)]}")
        line2 = _GB_LINE2[int(rand() * len(_GB_LINE2))] if rand() < 0.2 else None
        street = _GB_STREETS[int(rand() * len(_GB_STREETS))]
        # A third are mobiles, from Ofcom's drama range like the landlines.
        phone_prefix = "+44 7700 900" if rand() < 0.3 else phone_prefix
        phone = f"{phone_prefix}{int(rand() * 1000):03d}"
        return PostalAddress(f"{number % 250 + 1} {street}", line2, city, _GB_COUNTIES[city], postal, "GB"), phone
    if country == 3:
        city, state, low, high, phone_prefix = _DE_CITIES[int(rand() * len(_DE_CITIES))]
        postal = f"{low + int(rand() * (high - low + 1)):05d}"
        line2 = _DE_LINE2[int(rand() * len(_DE_LINE2))] if rand() < 0.15 else None
        street = _DE_STREETS[int(rand() * len(_DE_STREETS))]
        suffix = "a" if rand() < 0.1 else ""
        phone = f"{phone_prefix}{int(rand() * 1000):03d}"
        return PostalAddress(f"{street} {number % 150 + 1}{suffix}", line2, city, state, postal, "DE"), phone
    city, region, postcodes, phone_prefix = _FR_CITIES[int(rand() * len(_FR_CITIES))]
    postal = postcodes[int(rand() * len(postcodes))]
    line2 = _FR_LINE2[int(rand() * len(_FR_LINE2))] if rand() < 0.15 else None
    street = _FR_STREETS[int(rand() * len(_FR_STREETS))]
    phone = f"{phone_prefix}{int(rand() * 100):02d} {int(rand() * 100):02d}"
    return PostalAddress(f"{number % 120 + 1} {street}", line2, city, region, postal, "FR"), phone


_COMPANY_SLUGS: dict[str, str] = {}


def _company(family: str, country: str, rand: Callable[[], float]) -> tuple[str, str]:
    """A business name and the slug its email domain uses (without the legal suffix)."""
    suffixes = _COMPANY_SUFFIX[country]
    suffix = suffixes[int(rand() * len(suffixes))]
    if rand() < 0.15:
        base = f"{family} & Partners"
    else:
        base = f"{_COMPANY_FIRST[int(rand() * len(_COMPANY_FIRST))]} {_COMPANY_KIND[int(rand() * len(_COMPANY_KIND))]}"
    slug = _COMPANY_SLUGS.get(base)
    if slug is None:
        slug = _COMPANY_SLUGS[base] = ascii_slug(base)
    return base + suffix, slug


def generate_people(rng: random.Random, count: int) -> list[Person]:
    """`count` people drawn from `rng`; the same seed always gives the same people."""
    # Generation-2 collections walking a big heap would dominate the run; nothing here makes cycles.
    with gc_paused():
        return _generate(rng.random, count)


def _generate(rand: Callable[[], float], count: int) -> list[Person]:
    people: list[Person] = []
    append = people.append
    for index in range(count):
        _, given_names, family_names = _CULTURES[_pick_weighted(_CULTURE_EDGES, rand())]
        given = given_names[int(rand() * len(given_names))]
        family = family_names[int(rand() * len(family_names))]
        address, phone = _address_and_phone(rand)
        company, company_slug = _company(family, address.country, rand) if rand() < 0.35 else (None, None)
        email = _email(given, family, company_slug, rand)
        birthday = None
        if rand() < 0.4:
            month, day = int(rand() * 12) + 1, int(rand() * 28) + 1
            birthday = (f"{month:02d}-{day:02d}" if rand() < 0.2
                        else f"{1945 + int(rand() * 62)}-{month:02d}-{day:02d}")
        note = _NOTES[int(rand() * len(_NOTES))] if rand() < 0.15 else None
        reference_id = None
        if rand() < 0.5:
            reference_id = f"{_REFERENCE_PREFIXES[int(rand() * len(_REFERENCE_PREFIXES))]}-{10000 + index}"
        created_ms = int(rand() * _SPAN_MS)
        created_at = _START + timedelta(milliseconds=created_ms)
        updated_at = created_at
        if rand() < 0.6:
            updated_at = _START + timedelta(milliseconds=created_ms + int(rand() * (_SPAN_MS - created_ms)))
        append(Person(given, family, company, email, phone, address, birthday, note, reference_id,
                      created_at, updated_at))
    return people
