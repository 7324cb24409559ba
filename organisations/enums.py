from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("administrator")
    EDITOR = "editor", _("editor")


class RegisterType(models.TextChoices):
    """Where an organisation is registered: not every one is in the KRS (art. 3; 2018 offer template)."""

    KRS = "krs", _("National Court Register (KRS)")
    # *ewidencja stowarzyszeń zwykłych / uczniowskich klubów sportowych*, kept by the starosta
    # (in a city with powiat rights, by the city itself)
    LOCAL_REGISTER = "local_register", _("register kept by the starosta or the city (ordinary associations, clubs)")
    # *rejestr kół gospodyń wiejskich* kept by the Agency for Restructuring and Modernisation of Agriculture
    ARIMR = "arimr", _("ARiMR register of rural women's circles")
    # church legal persons and church units recorded under the church-and-state laws
    CHURCH = "church", _("register of church legal persons")
    OTHER = "other", _("other register")


class VerificationState(models.TextChoices):
    """The two states of an organisation in the public register, as recorded in its history."""

    UNVERIFIED = "unverified", _("not verified")
    VERIFIED = "verified", _("verified")


class LegalForm(models.TextChoices):
    FOUNDATION = "foundation", _("foundation")
    ASSOCIATION = "association", _("association")
    ORDINARY_ASSOCIATION = "ordinary_association", _("ordinary association")
    SPORTS_CLUB = "sports_club", _("sports club")
    CHURCH_ENTITY = "church_entity", _("church legal person")
    SOCIAL_COOPERATIVE = "social_cooperative", _("social cooperative")
    RURAL_WOMENS_CIRCLE = "rural_womens_circle", _("rural women's circle (KGW)")
    NONPROFIT_COMPANY = "nonprofit_company", _("non-profit company")
    OTHER = "other", _("other")


# Art. 4 ust. 1 of the Act on Public Benefit Activity and Volunteerism (consolidated text
# Dz.U. 2024 poz. 1491): the spheres of public benefit, as (code, Polish name, English name).
SPHERES = [
    (
        "1",
        "pomoc społeczna, w tym pomoc rodzinom i osobom w trudnej sytuacji życiowej oraz wyrównywanie szans tych rodzin i osób",
        "social assistance, including help for families and persons in difficulty",
    ),
    ("1a", "wspieranie rodziny i systemu pieczy zastępczej", "support for the family and foster care"),
    (
        "1b",
        "udzielanie nieodpłatnej pomocy prawnej oraz zwiększanie świadomości prawnej społeczeństwa",
        "free legal aid and legal awareness",
    ),
    (
        "2",
        "działalność na rzecz integracji i reintegracji zawodowej i społecznej osób zagrożonych wykluczeniem społecznym",
        "social and vocational integration of persons at risk of exclusion",
    ),
    ("3", "działalność charytatywna", "charity"),
    (
        "4",
        "podtrzymywanie i upowszechnianie tradycji narodowej, pielęgnowanie polskości oraz rozwój świadomości narodowej, obywatelskiej i kulturowej",
        "national tradition and civic and cultural awareness",
    ),
    (
        "5",
        "działalność na rzecz mniejszości narodowych i etnicznych oraz języka regionalnego",
        "national and ethnic minorities and the regional language",
    ),
    ("5a", "działalność na rzecz integracji cudzoziemców", "integration of foreigners"),
    ("6", "ochrona i promocja zdrowia, w tym działalność lecznicza", "health protection and promotion"),
    ("7", "działalność na rzecz osób niepełnosprawnych", "persons with disabilities"),
    (
        "8",
        "promocja zatrudnienia i aktywizacji zawodowej osób pozostających bez pracy i zagrożonych zwolnieniem z pracy",
        "employment promotion",
    ),
    ("9", "działalność na rzecz równych praw kobiet i mężczyzn", "equal rights of women and men"),
    ("10", "działalność na rzecz osób w wieku emerytalnym", "older people"),
    (
        "11",
        "działalność wspomagająca rozwój gospodarczy, w tym rozwój przedsiębiorczości",
        "economic development and entrepreneurship",
    ),
    (
        "12",
        "działalność wspomagająca rozwój techniki, wynalazczości i innowacyjności oraz rozpowszechnianie i wdrażanie nowych rozwiązań technicznych w praktyce gospodarczej",
        "technology and innovation",
    ),
    ("13", "działalność wspomagająca rozwój wspólnot i społeczności lokalnych", "local communities"),
    ("14", "nauka, szkolnictwo wyższe, edukacja, oświata i wychowanie", "science, higher education and education"),
    (
        "15",
        "działalność na rzecz dzieci i młodzieży, w tym wypoczynku dzieci i młodzieży",
        "children and youth, including holidays",
    ),
    ("16", "kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego", "culture, art and national heritage"),
    ("17", "wspieranie i upowszechnianie kultury fizycznej", "physical culture and sport"),
    (
        "18",
        "ekologia i ochrona zwierząt oraz ochrona dziedzictwa przyrodniczego",
        "ecology, animal protection and natural heritage",
    ),
    ("19", "turystyka i krajoznawstwo", "tourism and sightseeing"),
    ("20", "porządek i bezpieczeństwo publiczne", "public order and safety"),
    ("21", "obronność państwa i działalność Sił Zbrojnych Rzeczypospolitej Polskiej", "national defence"),
    (
        "22",
        "upowszechnianie i ochrona wolności i praw człowieka oraz swobód obywatelskich, a także działań wspomagających rozwój demokracji",
        "human rights, civil liberties and democracy",
    ),
    ("23", "ratownictwo i ochrona ludności", "rescue and civil protection"),
    (
        "24",
        "pomoc ofiarom katastrof, klęsk żywiołowych, konfliktów zbrojnych i wojen w kraju i za granicą",
        "help for victims of disasters and wars",
    ),
    ("25", "upowszechnianie i ochrona praw konsumentów", "consumer rights"),
    (
        "26",
        "działalność na rzecz integracji europejskiej oraz rozwijania kontaktów i współpracy między społeczeństwami",
        "European integration and cooperation between societies",
    ),
    ("27", "promocja i organizacja wolontariatu", "volunteering"),
    ("28", "pomoc Polonii i Polakom za granicą", "help for Poles abroad"),
    ("29", "działalność na rzecz kombatantów i osób represjonowanych", "veterans and persons repressed"),
    ("30", "promocja Rzeczypospolitej Polskiej za granicą", "promotion of Poland abroad"),
    (
        "31",
        "działalność na rzecz rodziny, macierzyństwa, rodzicielstwa, upowszechniania i ochrony praw dziecka",
        "family, parenthood and children's rights",
    ),
    ("32", "przeciwdziałanie uzależnieniom i patologiom społecznym", "prevention of addictions and social pathologies"),
    ("32a", "rewitalizacja", "revitalisation"),
    (
        "33",
        "działalność na rzecz organizacji pozarządowych oraz podmiotów wymienionych w art. 3 ust. 3, w zakresie określonym w pkt 1–32a",
        "support for NGOs in the spheres 1–32a",
    ),
]
