"""People's names by locale, and turning names into email-safe slugs."""

from __future__ import annotations

import random
import re
import unicodedata

# (first names, family names). Family name first in the locale's own order is not modelled:
# the directory shows "First Last" everywhere, as most PRM exports do.
LOCALES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en_us": (
        ("James", "Olivia", "Michael", "Emma", "David", "Ava", "Daniel", "Sophia", "Christopher", "Isabella", "Andrew",
         "Mia", "Joshua", "Abigail", "Ryan", "Emily", "Brandon", "Madison", "Tyler", "Harper", "Marcus", "Jasmine",
         "Kevin", "Rachel", "Jamal", "Lauren", "Carlos", "Nicole"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
         "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Thompson", "White", "Harris", "Clark",
         "Lewis", "Robinson", "Walker", "Young", "Allen", "Nguyen", "Patel", "Kim"),
    ),
    "en_gb": (
        ("Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Grace", "Charlie", "Freya", "Thomas", "Emily",
         "William", "Sophie", "James", "Lucy", "Alfie", "Chloe", "Callum", "Niamh", "Rhys", "Eleanor", "Liam", "Zara"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
         "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Hughes", "Murphy", "O'Brien",
         "Khan", "Campbell", "Stewart"),
    ),
    "pt_br": (
        ("João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Gabriel", "Camila", "Rafael", "Fernanda", "Mateus",
         "Beatriz", "Thiago", "Larissa", "Bruno", "Mariana", "Felipe", "Patrícia", "Gustavo", "Letícia"),
        ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
         "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Barbosa", "Rocha", "Teixeira"),
    ),
    "es": (
        ("Alejandro", "Lucía", "Diego", "Sofía", "Javier", "Valentina", "Miguel", "Camila", "Andrés", "Isabel",
         "Pablo", "Daniela", "Sergio", "Carmen", "Fernando", "Gabriela", "Ricardo", "Paula", "Mateo", "Elena"),
        ("García", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores",
         "Rivera", "Gómez", "Díaz", "Morales", "Vargas", "Castillo", "Romero", "Navarro", "Ortiz", "Ruiz"),
    ),
    "de": (
        ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Laura", "Maximilian", "Julia", "Tobias", "Katharina", "Niklas",
         "Sarah", "Florian", "Lena", "Sebastian", "Hannah", "Matthias", "Sophie", "Stefan", "Johanna"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
         "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Braun", "Zimmermann", "Krüger", "Hartmann"),
    ),
    "fr": (
        ("Louis", "Camille", "Hugo", "Léa", "Arthur", "Manon", "Jules", "Chloé", "Thomas", "Inès", "Nicolas",
         "Sarah", "Antoine", "Julie", "Mathieu", "Claire", "Julien", "Émilie", "Olivier", "Amandine"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefebvre", "Michel", "Garnier", "Faure", "Rousseau", "Fontaine", "Chevalier", "Mercier"),
    ),
    "nl": (
        ("Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Thijs", "Sanne", "Bram", "Lotte", "Ruben", "Femke",
         "Jeroen", "Anouk", "Pieter", "Eva"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
         "de Boer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen"),
    ),
    "nordic": (
        ("Erik", "Astrid", "Lars", "Ingrid", "Magnus", "Freja", "Anders", "Sofie", "Johan", "Maja", "Henrik", "Elin",
         "Nils", "Karin", "Mikkel", "Sigrid"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsen", "Hansen", "Nielsen", "Jensen",
         "Lindqvist", "Bergström", "Holm", "Sørensen", "Dahl", "Lund", "Berg"),
    ),
    "it": (
        ("Francesco", "Giulia", "Alessandro", "Chiara", "Lorenzo", "Francesca", "Matteo", "Sara", "Andrea",
         "Martina", "Davide", "Elisa", "Marco", "Valentina", "Stefano", "Federica"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
         "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano"),
    ),
    "pl": (
        ("Jakub", "Zuzanna", "Kacper", "Julia", "Mateusz", "Maja", "Piotr", "Aleksandra", "Tomasz", "Katarzyna",
         "Michał", "Agnieszka", "Paweł", "Magdalena"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
         "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk"),
    ),
    "ar": (
        ("Omar", "Fatima", "Ahmed", "Layla", "Khalid", "Noor", "Yousef", "Mariam", "Hassan", "Aisha", "Tariq",
         "Rania", "Karim", "Huda"),
        ("Al Mansouri", "Al Hashimi", "Haddad", "Khoury", "Nasser", "Saleh", "Farouk", "Rahman", "Aziz", "Hamdan",
         "Qureshi", "Said"),
    ),
    "in": (
        ("Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Sneha", "Rahul", "Divya", "Sanjay",
         "Meera", "Karthik", "Pooja", "Aditya", "Lakshmi", "Nikhil", "Shreya", "Siddharth", "Neha"),
        ("Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Rao", "Kumar", "Singh", "Chatterjee",
         "Desai", "Joshi", "Krishnan", "Banerjee", "Pillai", "Mehta", "Agarwal"),
    ),
    "jp": (
        ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takumi", "Sakura", "Kenji", "Yuki", "Daiki", "Mei",
         "Shota", "Rina", "Hiroshi", "Emi"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
         "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue", "Kimura"),
    ),
    "sg": (
        ("Wei Ming", "Mei Ling", "Jun Jie", "Hui Min", "Ravi", "Siti", "Darren", "Priyanka", "Marcus", "Shu Fen",
         "Aloysius", "Nurul", "Kelvin", "Jia Hui"),
        ("Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh", "Teo", "Rahman", "Pillai",
         "Abdullah"),
    ),
    "kr": (
        ("Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Hyun-woo", "Ji-woo", "Dong-hyun", "Soo-ah", "Jae-won",
         "Yu-na"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"),
    ),
}

# Letters NFKD does not decompose into an ASCII base letter.
_ASCII_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ı": "i"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits only, for domains and email local parts."""
    return re.sub(r"[^a-z0-9]+", sep, ascii_fold(text).lower()).strip(sep)


def pick_name(rng: random.Random, locale: str) -> tuple[str, str]:
    """(first name, family name) from the locale's pools."""
    first, last = LOCALES[locale]
    return rng.choice(first), rng.choice(last)


def email_local_part(first: str, last: str) -> str:
    return f"{slug(first)}.{slug(last)}"
