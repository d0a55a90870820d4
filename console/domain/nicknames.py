"""Everyday short forms of given names, so "Bob Smith" can be the same person as "Robert Smith"."""

from __future__ import annotations

# Each full name (folded) with its common short forms; a short form may belong to several names.
_FORMS: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "rob", "robbie", "bert"), "william": ("bill", "billy", "will", "willie", "liam"),
    "richard": ("rick", "ricky", "dick", "rich"), "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jon"), "jonathan": ("jon", "jonny", "nathan"),
    "michael": ("mike", "mikey", "mick"), "thomas": ("tom", "tommy"), "christopher": ("chris", "kit"),
    "daniel": ("dan", "danny"), "matthew": ("matt",), "andrew": ("andy", "drew"), "steven": ("steve",),
    "stephen": ("steve",), "joseph": ("joe", "joey"), "david": ("dave", "davy"), "charles": ("charlie", "chuck"),
    "edward": ("ed", "eddie", "ted", "ned"), "henry": ("harry", "hank"), "anthony": ("tony",),
    "kenneth": ("ken", "kenny"), "benjamin": ("ben", "benny"), "samuel": ("sam", "sammy"),
    "alexander": ("alex", "sasha", "xander"), "alejandro": ("alex", "ale"), "nicholas": ("nick", "nicky"),
    "patrick": ("pat", "paddy"), "padraig": ("paddy", "pat"), "francis": ("frank",), "frank": ("frankie",),
    "gregory": ("greg",), "jeffrey": ("jeff",), "timothy": ("tim",), "lawrence": ("larry",),
    "raymond": ("ray",), "ronald": ("ron", "ronnie"), "donald": ("don", "donnie"), "peter": ("pete",),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby"), "margaret": ("maggie", "meg", "peggy"),
    "katherine": ("kate", "kathy", "katie"), "katharina": ("kathi", "katja", "kati"),
    "catherine": ("cathy", "kate", "cat"), "jennifer": ("jen", "jenny"), "jessica": ("jess", "jessie"),
    "patricia": ("pat", "patty", "trish"), "rebecca": ("becky", "becca"), "susan": ("sue", "suzy"),
    "deborah": ("deb", "debbie"), "victoria": ("vicky", "tori"), "christine": ("chris", "chrissy"),
    "amanda": ("mandy",), "samantha": ("sam",), "alexandra": ("alex", "sasha"), "abigail": ("abby",),
    "emily": ("em", "emmy"), "charlotte": ("charlie", "lottie"), "ashley": ("ash",), "laura": ("laurie",),
    "sarah": ("sally", "sadie"), "mary": ("molly", "polly", "mae"), "linda": ("lindy",),
    "rachel": ("rach",), "grace": ("gracie",), "oliver": ("ollie",), "matteo": ("teo",),
    "maximilian": ("max", "maxi"), "sebastian": ("basti", "seb"), "lukas": ("luke",), "luca": ("luke",),
    "giuseppe": ("beppe", "peppe"), "francesca": ("franci", "cesca"), "alessandro": ("sandro", "ale"),
    "jose": ("pepe",), "francisco": ("paco", "pancho"), "javier": ("javi",), "maria": ("mari",),
    "dmitri": ("dima",), "ivan": ("vanya",), "natalia": ("natasha", "talia"), "olga": ("olya",),
    "lukasz": ("luke",), "piotr": ("piotrek",), "katarzyna": ("kasia",), "agnieszka": ("aga",),
}

NICKNAMES: dict[str, frozenset[str]] = {}
for _full, _short in _FORMS.items():
    for _name in (_full, *_short):
        NICKNAMES[_name] = NICKNAMES.get(_name, frozenset()) | {_full}


def same_given_name(a: str, b: str) -> bool:
    """True when folded given names `a` and `b` are one name or forms of one name ("bob", "robert")."""
    if a == b:
        return True
    return bool(NICKNAMES.get(a, frozenset({a})) & NICKNAMES.get(b, frozenset({b})))
