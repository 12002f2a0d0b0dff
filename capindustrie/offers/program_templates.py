"""Turnkey day-by-day programs, one per filière and level, that prefill the offer wizard.

Pure content: French texts a company can keep as they are or edit. Every day is observation
only (Code du travail D. 4153-15 to D. 4153-37): the pupil watches, asks and takes notes; no text
ever hands the pupil a machine, a tool or a product.

A 3e week has 5 days, a 2nde fortnight 10: the second week goes deeper, with a small
observation project presented to the team on the last day. Each template is built from one
profile per filière (its site, risks, jobs and observation days) and a shared skeleton (welcome,
jobs, office functions, report), so every template follows the same week plan.
"""

import re
from typing import NamedTuple

from capindustrie.models import Filiere, Level

DAYS_PER_LEVEL = {Level.TROISIEME: 5, Level.SECONDE: 10}

_NBSP = "\u00a0"


def _french_spacing(text: str) -> str:
    """Tie « », : ; ? ! to their words with a non-breaking space, so a line never starts
    with a colon or a closing guillemet."""
    for plain, tied in (
        (" :", _NBSP + ":"), (" ;", _NBSP + ";"), (" ?", _NBSP + "?"), (" !", _NBSP + "!"),
        ("« ", "«" + _NBSP), (" »", _NBSP + "»"),
    ):
        text = text.replace(plain, tied)
    return text


# Shown beside the checkbox the company ticks (program step) and on every offer page; the
# template renders line breaks (class « pre-line »).
OBSERVATION_COMMITMENT = _french_spacing(
    "L'entreprise s'engage à accueillir l'élève en stage d'observation uniquement :\n"
    "– l'élève n'est pas rémunéré et ne participe ni à la production ni à aucun travail "
    "de l'entreprise ;\n"
    "– il ne procède à aucune manœuvre ni manipulation de machines, produits ou appareils "
    "de production, n'a jamais accès à ceux interdits aux mineurs par le Code du travail "
    "(articles D. 4153-15 à D. 4153-37) et n'effectue pas même de travaux légers ;\n"
    "– il est accompagné en permanence par son tuteur ou par un salarié désigné par le tuteur ;\n"
    "– il reçoit une information sur la sécurité dès le premier jour, avant toute visite, "
    "et les équipements de protection nécessaires lui sont fournis."
)


# A passage the company must replace with what its own site does (« [À choisir : a / b] »);
# submission is refused while one is left (offers/lifecycle.py: completeness).
CHOICE_MARK = "[À choisir"
_CHOICE = re.compile(r"\[À choisir\s*:\s*([^\]]*)\]")


def choices_left(text: str | None) -> list[str]:
    """The « [À choisir : …] » passages still in `text`, as written."""
    return [m.group(0) for m in _CHOICE.finditer(text or "")]


def pick_first_choice(text: str) -> str:
    """Each « [À choisir : a / b] » replaced by `a` (the demo data, which has a real site)."""
    return _CHOICE.sub(lambda m: m.group(1).split(" / ")[0].strip(), text)


class _Day(NamedTuple):
    title: str
    activities: str
    with_whom: str
    safety: str


class _Office(NamedTuple):
    title: str
    activities: str
    with_whom: str


class _Profile(NamedTuple):
    title_3e: str
    title_2nde: str
    of_sector: str  # « … les métiers de l'aéronautique »
    floor: str  # where the work happens, after « Tout passage … »
    tour: str
    tour_with_whom: str
    ppe: str
    site_rule: str
    job_families: str
    interviewees: str
    overview: _Day  # 3e day 3: production, quality and maintenance in one day
    production: _Day
    quality: _Day
    maintenance: _Day
    office: _Office
    trainings: str
    future: _Day
    project: _Day


_OBSERVE = (
    "Observation uniquement : l'élève reste accompagné, ne touche à aucune machine, aucun outil "
    "ni aucun produit et ne participe à aucun travail."
)

_PROFILES: dict[Filiere, _Profile] = {
    Filiere.AGRI_FOOD: _Profile(
        title_3e="Une semaine dans l'agroalimentaire : de la matière première au produit fini",
        title_2nde="Deux semaines dans une usine agroalimentaire : production, qualité et hygiène",
        of_sector="de l'agroalimentaire",
        floor="en production",
        tour=(
            "Visite du site dans le sens de la « marche en avant » : réception des matières "
            "premières ([À choisir : lait / céréales / betteraves / légumes]), fabrication, "
            "conditionnement, stockage au froid et expédition. Passage par le sas d'hygiène : "
            "lavage des mains, tenue propre, charlotte."
        ),
        tour_with_whom=(
            "le tuteur, l'animatrice ou l'animateur hygiène-sécurité, un chef d'équipe de "
            "fabrication"
        ),
        ppe=(
            "tenue de l'usine ou blouse, charlotte (et cache-barbe si besoin), chaussures de "
            "sécurité antidérapantes, bouchons d'oreille dans les zones bruyantes, veste "
            "isotherme pour les chambres froides"
        ),
        site_rule=(
            "Les règles d'hygiène sont expliquées en même temps que la sécurité : pas de bijou, "
            "lavage des mains à chaque entrée en production, sols parfois glissants."
        ),
        job_families=(
            "fabrication et conditionnement, qualité et hygiène, maintenance, logistique, "
            "recherche et développement, fonctions administratives"
        ),
        interviewees=(
            "une conductrice de ligne de conditionnement, un technicien qualité et un technicien "
            "de maintenance"
        ),
        overview=_Day(
            "Au cœur de la production : fabrication, qualité et maintenance",
            "Le matin, l'élève observe une ligne de fabrication depuis l'allée piétonne : "
            "préparation des ingrédients, cuisson ou transformation, conditionnement, étiquetage. "
            "Le conducteur de ligne lui explique ce qu'il surveille (température, poids, date "
            "limite de consommation sur l'étiquette). L'après-midi, au laboratoire qualité, il "
            "assiste aux contrôles des produits (mesures, analyses microbiologiques, dégustation "
            "par un jury de salariés, à laquelle l'élève ne goûte pas), faits par les "
            "techniciens. Il découvre enfin la démarche HACCP : les "
            "points critiques de la ligne et la façon dont on les surveille.",
            "un conducteur ou une conductrice de ligne, un technicien ou une technicienne de "
            "laboratoire, la ou le responsable qualité",
            "Tenue d'hygiène et EPI du premier jour à chaque entrée en production, lavage des "
            "mains au sas. L'élève reste sur l'allée piétonne, à distance des convoyeurs ; au "
            "laboratoire, il se tient derrière le technicien, loin des étuves et des produits "
            "de nettoyage.",
        ),
        production=_Day(
            "Observer une ligne de fabrication et de conditionnement",
            "L'élève passe la journée auprès d'une équipe de fabrication, depuis l'allée "
            "piétonne. Il suit le produit étape par étape : réception et pesée des ingrédients, "
            "transformation (mélange, cuisson, refroidissement), conditionnement, étiquetage et "
            "mise en palette. Le conducteur de ligne lui montre l'écran de supervision et les "
            "contrôles faits à chaque changement de série. L'élève assiste à la réunion de début "
            "de poste, où l'équipe fait le point sur la sécurité, la qualité et les volumes du "
            "jour.",
            "le chef d'équipe de fabrication, un conducteur ou une conductrice de ligne, un "
            "opérateur de conditionnement",
            "Tenue d'hygiène et EPI du premier jour, lavage des mains au sas. Pièces en "
            "mouvement et sols glissants : l'élève reste sur l'allée piétonne, derrière les "
            "carters et les barrières, à distance des convoyeurs.",
        ),
        quality=_Day(
            "Le laboratoire qualité et la sécurité des aliments (HACCP)",
            "Au laboratoire, l'élève observe les contrôles des matières premières et des "
            "produits finis : température, pH, humidité, poids, analyses microbiologiques. Le "
            "responsable qualité lui explique la démarche HACCP et les points critiques "
            "surveillés sur la ligne. L'élève accompagne une technicienne lors d'un audit "
            "d'hygiène en atelier et regarde comment les écarts sont notés. Il découvre la "
            "traçabilité : comment retrouver, à partir d'un numéro de lot, l'origine de chaque "
            "ingrédient.",
            "la ou le responsable qualité, un technicien ou une technicienne de laboratoire, "
            "une auditrice hygiène",
            "Au laboratoire : blouse et lunettes de protection, l'élève se tient derrière le "
            "technicien, loin des échantillons, des réactifs et des étuves. En atelier, mêmes "
            "règles d'hygiène et mêmes EPI que le premier jour.",
        ),
        maintenance=_Day(
            "Maintenance, nettoyage et logistique du froid",
            "Le matin, l'élève suit un technicien de maintenance lors de sa tournée et découvre "
            "le plan de maintenance préventive et la consignation (mise hors énergie avant toute "
            "intervention). Il observe, depuis l'extérieur de la zone, une équipe de "
            "nettoyage-désinfection entre deux productions. L'après-midi, au magasin et au quai "
            "d'expédition, il découvre la gestion des stocks au froid, la règle « premier entré, "
            "premier sorti » et la préparation des commandes des clients.",
            "un technicien de maintenance, le chef d'équipe nettoyage, le responsable "
            "logistique ou un préparateur de commandes",
            "L'élève reste hors des zones consignées et des zones de nettoyage (produits "
            "chimiques, jets à haute pression). Sur les quais : gilet haute visibilité, allées "
            "piétonnes uniquement, jamais dans les zones de circulation des chariots ; passage "
            "bref et accompagné en chambre froide, avec la veste isotherme.",
        ),
        office=_Office(
            "Recherche et développement, achats et ressources humaines",
            "Au service recherche et développement, l'élève découvre comment naît une nouvelle "
            "recette : cahier des charges, essais en cuisine pilote, tests de dégustation par les "
            "salariés (l'élève ne goûte pas), "
            "étiquette et valeurs nutritionnelles. Avec l'acheteur, il voit comment on choisit "
            "les fournisseurs de matières premières, souvent agricoles et locaux, et "
            "d'emballages.",
            "une chargée de recherche et développement, un acheteur",
        ),
        trainings=(
            "CAP Conducteur d'installations de production ; bac pro Bio-industries de "
            "transformation ; BTS Bioqualité ; BUT Génie biologique ; écoles d'ingénieurs en "
            "agronomie et agroalimentaire"
        ),
        future=_Day(
            "Les enjeux de la filière : environnement, agriculture locale et innovation",
            "Avec la responsable environnement, l'élève découvre comment le site réduit ses "
            "consommations d'eau et d'énergie, trie ses déchets et valorise ses coproduits "
            "(alimentation animale, méthanisation). Il comprend les liens avec les agriculteurs "
            "qui fournissent le site : contrats, cahiers des charges, saisons. Le tuteur "
            "présente les projets d'innovation en cours : emballages recyclables, nouvelles "
            "recettes, automatisation.",
            "la ou le responsable environnement, le tuteur, le responsable des "
            "approvisionnements agricoles",
            "Visite de la station de traitement des eaux ou de la zone des déchets depuis les "
            "passages balisés, avec les EPI du premier jour ; l'élève n'approche ni les bassins "
            "ni les bennes.",
        ),
        project=_Day(
            "Projet d'observation : suivre un lot de la réception à l'expédition",
            "L'élève suit un même lot de fabrication à chaque étape : réception des "
            "ingrédients, fabrication, contrôles qualité, conditionnement, stockage et "
            "expédition. À chaque poste, il note ce qui est fait, par qui, et quelles "
            "informations sont enregistrées pour la traçabilité. Il demande au laboratoire les "
            "résultats des contrôles de ce lot. Avec ces notes, il dessine le circuit du produit "
            "qu'il présentera le dernier jour.",
            "le tuteur, les équipes de fabrication, de qualité et de logistique rencontrées sur "
            "le parcours du lot",
            "Tenue d'hygiène et EPI du premier jour ; chaque passage en production se fait avec "
            "un salarié désigné par le tuteur, sur les allées piétonnes et à distance des "
            "lignes.",
        ),
    ),
    Filiere.MATERIALS: _Profile(
        title_3e="Une semaine dans l'industrie des matériaux : du four au produit fini",
        title_2nde=(
            "Deux semaines dans l'industrie des matériaux : procédés, essais en laboratoire et "
            "qualité"
        ),
        of_sector="de l'industrie des matériaux",
        floor="en atelier",
        tour=(
            "Visite du site en suivant la matière : stockage des matières premières ([À choisir : "
            "sable / "
            "granulats / granulés de plastique]), préparation des mélanges, fours, "
            "malaxeurs ou presses, finition, contrôle et stockage des produits. Le tuteur montre "
            "les zones chaudes, bruyantes ou poussiéreuses et les passages balisés."
        ),
        tour_with_whom="le tuteur, le ou la responsable sécurité du site, un chef d'atelier",
        ppe=(
            "chaussures de sécurité, lunettes de protection, protections auditives, gilet haute "
            "visibilité, vêtements couvrant les bras et les jambes (en coton près des zones "
            "chaudes)"
        ),
        site_rule=(
            "Le tuteur explique les risques propres au site : chaleur près des fours, bruit, "
            "poussières, circulation des chariots et des engins de manutention."
        ),
        job_families=(
            "production et conduite de procédés, laboratoire et qualité, maintenance, "
            "logistique, méthodes et bureau d'études, fonctions commerciales et administratives"
        ),
        interviewees=(
            "un conducteur de four ou de presse, une technicienne de laboratoire et un "
            "technicien de maintenance"
        ),
        overview=_Day(
            "Au cœur de la fabrication : four, procédés et essais en laboratoire",
            "Le matin, l'élève observe depuis la passerelle ou l'allée balisée la transformation "
            "de la matière : [À choisir : fusion du verre dans le four / malaxage et coulage du "
            "béton / injection des plastiques]. En salle de contrôle, le conducteur de "
            "procédé lui montre les températures et les pressions qu'il surveille. L'après-midi, "
            "au laboratoire, l'élève assiste aux essais réalisés par les techniciens : "
            "écrasement d'éprouvettes de béton, résistance aux chocs, contrôle des dimensions. "
            "Il comprend pourquoi chaque lot est contrôlé avant de partir chez le client.",
            "un conducteur de procédé, un technicien ou une technicienne de laboratoire, le chef "
            "d'atelier",
            "EPI du premier jour. L'élève reste derrière le marquage au sol, à distance des "
            "fours, des moules et des produits chauds ; au laboratoire, il se tient derrière les "
            "écrans de protection des presses d'essai.",
        ),
        production=_Day(
            "Observer la transformation de la matière",
            "L'élève passe la journée avec une équipe de production, depuis l'allée balisée et "
            "la salle de contrôle. Il suit les étapes du procédé : dosage des matières "
            "premières, fusion, mélange ou injection, mise en forme, refroidissement et "
            "finition. Le conducteur de procédé lui explique les paramètres qu'il surveille et "
            "ce qu'il fait quand une alarme se déclenche. L'élève assiste, en observateur, à un "
            "changement de fabrication (changement de moule ou de format).",
            "le chef d'équipe de production, un conducteur de four, de presse ou de centrale à "
            "béton, un régleur",
            "EPI du premier jour. Zones chaudes et pièces en mouvement : l'élève reste derrière "
            "le marquage au sol, les carters et les barrières, à distance des fours, des moules "
            "et des produits encore chauds.",
        ),
        quality=_Day(
            "Le laboratoire d'essais et la qualité",
            "Au laboratoire, l'élève observe les essais sur les matières premières et les "
            "produits : granulométrie, dimensions, résistance à la compression, à la flexion ou "
            "aux chocs, aspect. Le technicien lui explique les normes que le produit doit "
            "respecter et ce que l'on fait d'un lot non conforme. L'élève suit une contrôleuse "
            "qualité en fin de ligne et découvre les fiches de contrôle. Il découvre comment les "
            "réclamations des clients sont analysées pour qu'un défaut ne se reproduise pas.",
            "une technicienne ou un technicien de laboratoire, un contrôleur qualité, la ou le "
            "responsable qualité",
            "Au laboratoire : lunettes de protection, l'élève se tient derrière les écrans des "
            "presses d'essai, loin des éprouvettes et des produits chimiques. En atelier, EPI du "
            "premier jour.",
        ),
        maintenance=_Day(
            "Maintenance et expédition des produits",
            "Le matin, l'élève suit un technicien de maintenance : tournée d'inspection, "
            "surveillance des fours et des installations, plan de maintenance préventive, "
            "consignation avant toute intervention. Il apprend que l'arrêt et la réfection d'un "
            "four se préparent des mois à l'avance. L'après-midi, il observe le parc de stockage "
            "et le chargement des camions depuis la zone piétonne, et découvre comment les "
            "livraisons aux clients et aux chantiers sont planifiées.",
            "un technicien de maintenance, le responsable maintenance, le responsable des "
            "expéditions ou un agent logistique",
            "L'élève reste hors des zones consignées et à distance des interventions en cours. "
            "Sur le parc et les quais : gilet haute visibilité, zone piétonne uniquement, jamais "
            "dans les zones de circulation des chariots, des ponts roulants et des camions.",
        ),
        office=_Office(
            "Bureau d'études, méthodes, achats et ressources humaines",
            "Au bureau d'études et des méthodes, l'élève découvre comment un nouveau produit est "
            "dessiné, formulé, essayé puis industrialisé. Avec l'acheteur, il voit comment sont "
            "achetées les matières premières et l'énergie, qui pèse lourd pour un site équipé "
            "de fours.",
            "un technicien ou une ingénieure du bureau d'études, un acheteur",
        ),
        trainings=(
            "CAP Conducteur d'installations de production ; bac pro Pilote de ligne de "
            "production ; bac pro Plastiques et composites ; BTS Europlastics et composites ; "
            "BUT Science et génie des matériaux ; écoles d'ingénieurs en matériaux"
        ),
        future=_Day(
            "Les enjeux de la filière : énergie, recyclage et matériaux bas carbone",
            "Avec le responsable environnement, l'élève découvre pourquoi les fours consomment "
            "beaucoup d'énergie et comment le site la réduit : récupération de chaleur, "
            "électrification, suivi des consommations. Il découvre le recyclage : calcin dans le "
            "verre, granulats recyclés dans le béton, chutes de plastique broyées et réutilisées. "
            "Le tuteur présente les projets de matériaux moins émetteurs de carbone.",
            "la ou le responsable environnement et énergie, le tuteur, un ingénieur procédés",
            "Visite de la zone de recyclage ou de stockage des déchets depuis les passages "
            "balisés, avec les EPI du premier jour ; l'élève n'approche ni les broyeurs ni les "
            "bennes.",
        ),
        project=_Day(
            "Projet d'observation : le parcours d'un produit, de la matière première au client",
            "L'élève suit une fabrication du début à la fin : matières premières, étapes du "
            "procédé, contrôles en cours de fabrication, essais en laboratoire, stockage et "
            "expédition. À chaque étape, il note les températures, les durées ou les contrôles "
            "que lui communiquent les salariés. Il demande au laboratoire les résultats d'essai "
            "du lot suivi. Avec ces notes, il dessine le parcours du produit qu'il présentera le "
            "dernier jour.",
            "le tuteur, les conducteurs de procédé, le laboratoire et l'équipe logistique "
            "rencontrés sur le parcours du produit",
            "EPI du premier jour ; chaque passage en atelier se fait avec un salarié désigné par "
            "le tuteur, derrière le marquage au sol et à distance des fours et des produits "
            "chauds.",
        ),
    ),
    Filiere.LOGISTICS: _Profile(
        title_3e="Une semaine dans un entrepôt logistique : de la réception à la livraison",
        title_2nde=(
            "Deux semaines dans la logistique : entrepôt, gestion des stocks et transport"
        ),
        of_sector="de la logistique",
        floor="dans l'entrepôt",
        tour=(
            "Visite de l'entrepôt en suivant le parcours d'un colis : quais de réception, "
            "contrôle des marchandises, zones de stockage, préparation des commandes, emballage, "
            "quais d'expédition. Le tuteur montre les allées piétonnes, les zones de circulation "
            "des chariots et les règles de priorité."
        ),
        tour_with_whom=(
            "le tuteur, la ou le responsable sécurité de l'entrepôt, un chef d'équipe de quai"
        ),
        ppe=(
            "chaussures de sécurité, gilet haute visibilité porté en permanence dans "
            "l'entrepôt, protections auditives près des convoyeurs et du tri automatique"
        ),
        site_rule=(
            "Le tuteur explique les premiers risques d'un entrepôt : la circulation des chariots "
            "élévateurs et des transpalettes électriques, et la chute d'objets depuis les "
            "rayonnages."
        ),
        job_families=(
            "réception et expédition, préparation de commandes, gestion des stocks, pilotage "
            "des flux et du transport, maintenance des équipements, fonctions administratives "
            "et commerciales"
        ),
        interviewees=(
            "un cariste, une préparatrice de commandes et une planificatrice transport ou un "
            "chef d'équipe"
        ),
        overview=_Day(
            "Au cœur de l'entrepôt : réception, stocks et expédition",
            "Le matin, l'élève observe depuis la zone piétonne la réception d'un camion : "
            "déchargement par les caristes, contrôle des quantités, étiquetage et rangement. Au "
            "bureau d'exploitation, on lui montre sur le logiciel de gestion d'entrepôt (WMS) "
            "où se trouve chaque produit et comment les missions sont données aux préparateurs. "
            "L'après-midi, il observe la préparation des commandes et le chargement d'un camion. "
            "Il découvre enfin au bureau transport comment les tournées de livraison sont "
            "planifiées.",
            "un chef d'équipe de quai, un cariste, une gestionnaire de stocks, un planificateur "
            "transport",
            "Gilet haute visibilité et EPI du premier jour. L'élève reste sur les allées "
            "piétonnes, ne traverse qu'aux passages prévus, ne monte sur aucun chariot ni "
            "transpalette et ne passe jamais sous une charge ni au pied d'un rayonnage en cours "
            "de chargement.",
        ),
        production=_Day(
            "Réception, stockage et préparation des commandes",
            "L'élève suit une équipe de réception puis de préparation, depuis les zones "
            "piétonnes. Il observe le déchargement d'un camion, le contrôle de la livraison, "
            "l'étiquetage des palettes et leur rangement dans les rayonnages. Il suit ensuite "
            "une préparatrice de commandes : missions lues sur le terminal, parcours dans les "
            "allées, contrôle et emballage. Le chef d'équipe lui explique les indicateurs du "
            "jour : lignes préparées, délais, erreurs.",
            "le chef d'équipe de réception, un cariste, une préparatrice de commandes, un agent "
            "d'emballage",
            "Gilet haute visibilité et chaussures de sécurité. L'élève reste sur les allées "
            "piétonnes et à distance des chariots en mouvement ; il ne monte sur aucun engin, ne "
            "porte aucun colis et ne passe jamais sous une charge.",
        ),
        quality=_Day(
            "Gestion des stocks, inventaire et qualité de service",
            "Au bureau d'exploitation, l'élève découvre le logiciel de gestion d'entrepôt "
            "(WMS) : emplacements, niveaux de stock, réapprovisionnement des zones de "
            "préparation. Il observe un inventaire tournant réalisé par une gestionnaire de "
            "stocks et comprend d'où viennent les écarts. La responsable qualité lui explique le "
            "traitement des litiges (colis abîmés, erreurs de préparation) et les engagements "
            "pris auprès des clients : délais, taux de service.",
            "une gestionnaire de stocks, le ou la responsable d'exploitation, la responsable "
            "qualité",
            "Journée surtout en bureau. Pendant l'inventaire, l'élève reste sur l'allée "
            "piétonne avec la gestionnaire de stocks, gilet haute visibilité porté, et ne monte "
            "ni sur un escabeau ni sur une nacelle.",
        ),
        maintenance=_Day(
            "Maintenance des équipements et organisation du transport",
            "Le matin, l'élève suit un technicien de maintenance : contrôle des chariots et des "
            "portes de quai, surveillance des convoyeurs et du tri automatique, maintenance "
            "préventive, consignation avant intervention. L'après-midi, au bureau transport, il "
            "découvre comment une planificatrice organise les tournées : choix des "
            "transporteurs, remplissage des camions, rendez-vous aux quais, suivi des "
            "livraisons. Il observe l'arrivée d'un chauffeur et les documents de transport "
            "échangés au quai.",
            "un technicien de maintenance, une planificatrice transport, un chef de quai, un "
            "chauffeur",
            "L'élève reste hors des zones consignées et du local de charge des batteries ; sur "
            "les quais, gilet haute visibilité, zone piétonne uniquement, jamais entre un camion "
            "et le quai.",
        ),
        office=_Office(
            "Méthodes, achats et ressources humaines",
            "Au service méthodes, l'élève découvre comment on organise un entrepôt : plan des "
            "emplacements, temps de préparation, choix des équipements, projets "
            "d'automatisation. Avec le service commercial et les achats, il voit comment on "
            "répond à un client qui confie ses stocks à l'entrepôt et comment on achète le "
            "transport, les emballages et le matériel.",
            "un ingénieur ou une technicienne méthodes, un acheteur ou une chargée d'affaires",
        ),
        trainings=(
            "CAP Opérateur/opératrice logistique ; bac pro Logistique ; BTS Gestion des "
            "transports et logistique associée ; BUT Management de la logistique et des "
            "transports ; écoles d'ingénieurs et masters en logistique"
        ),
        future=_Day(
            "Les enjeux de la filière : automatisation, transport moins polluant et emploi local",
            "Le tuteur présente les projets d'automatisation de l'entrepôt (convoyeurs, tri "
            "automatique, robots mobiles) et ce qu'ils changent pour les métiers. L'élève "
            "découvre comment on réduit les émissions : camions au gaz ou électriques, camions "
            "mieux remplis, transport par le train ou par le fleuve, panneaux solaires sur les "
            "toits. Il comprend pourquoi tant d'entrepôts se sont installés en Seine-et-Marne, "
            "près de Paris et des grands axes routiers.",
            "le tuteur, la ou le responsable transport ou environnement, le ou la responsable du "
            "site",
            "Journée surtout en bureau. Toute visite de l'entrepôt se fait avec le gilet haute "
            "visibilité et les EPI du premier jour, sur les allées piétonnes.",
        ),
        project=_Day(
            "Projet d'observation : le trajet d'une commande, de la réception au client",
            "L'élève suit le trajet d'une commande de bout en bout : réception de la "
            "marchandise, rangement, préparation, contrôle, emballage, chargement et livraison. "
            "À chaque étape, il note le temps passé, les informations saisies dans le logiciel "
            "et les personnes qui interviennent. Il demande au bureau d'exploitation les "
            "indicateurs de la journée pour les comparer à ses observations. Avec ces notes, il "
            "dessine le schéma des flux qu'il présentera le dernier jour.",
            "le tuteur, les équipes de réception, de préparation et d'expédition, le bureau "
            "transport",
            "Gilet haute visibilité et EPI du premier jour ; chaque passage dans l'entrepôt se "
            "fait avec un salarié désigné par le tuteur, sur les allées piétonnes, jamais dans "
            "les zones de circulation des chariots.",
        ),
    ),
    Filiere.GREEN_ENERGY: _Profile(
        title_3e=(
            "Une semaine dans les énergies vertes : méthanisation, solaire et réseaux de chaleur"
        ),
        title_2nde=(
            "Deux semaines dans les énergies renouvelables : production, pilotage et projets"
        ),
        of_sector="des énergies vertes",
        floor="sur les installations",
        tour=(
            "Visite des installations : [À choisir : unité de méthanisation (réception des "
            "déchets agricoles ou alimentaires, digesteurs, épuration du biogaz) / centrale "
            "solaire / chaufferie d'un réseau de chaleur], puis salle de conduite. Le tuteur "
            "montre de l'extérieur les zones à risque d'explosion, les locaux électriques et les "
            "zones interdites."
        ),
        tour_with_whom=(
            "le tuteur, le ou la responsable sécurité ou d'exploitation, un technicien "
            "d'exploitation"
        ),
        ppe=(
            "chaussures de sécurité, casque, lunettes de protection, gilet haute visibilité, "
            "protections auditives près des moteurs et des chaudières"
        ),
        site_rule=(
            "Le tuteur explique les risques propres au site : gaz (biogaz, hydrogène sulfuré), "
            "zones ATEX (atmosphères explosives), électricité, chaleur, circulation des engins "
            "et des camions. L'élève n'entre jamais dans une zone ATEX ni dans un local "
            "électrique."
        ),
        job_families=(
            "exploitation et conduite des installations, maintenance électrique et mécanique, "
            "développement de projets, bureau d'études, relations avec les agriculteurs et les "
            "collectivités, fonctions administratives"
        ),
        interviewees=(
            "un technicien d'exploitation, une chargée de projets en énergies renouvelables et "
            "un électricien de maintenance"
        ),
        overview=_Day(
            "Produire et piloter une énergie renouvelable",
            "Le matin, l'élève suit un technicien d'exploitation dans sa tournée, depuis les "
            "passages balisés : [À choisir : arrivée des déchets agricoles, digesteurs, épuration "
            "et injection du biogaz dans le réseau / panneaux solaires et onduleurs]. En salle "
            "de conduite, il découvre les écrans de supervision : production du "
            "jour, températures, alarmes. L'après-midi, il observe un technicien de maintenance "
            "et comprend pourquoi on coupe et consigne l'énergie avant toute intervention. Il "
            "découvre aussi comment un réseau de chaleur distribue l'eau chaude aux bâtiments "
            "d'une ville.",
            "un technicien d'exploitation, le ou la responsable de la salle de conduite, un "
            "technicien de maintenance",
            "EPI du premier jour. L'élève reste sur les passages balisés, hors des zones ATEX, "
            "des locaux électriques et des fosses ; il ne touche à aucune vanne, aucun tableau "
            "électrique ni aucun écran de commande.",
        ),
        production=_Day(
            "Exploiter une unité de production d'énergie renouvelable",
            "L'élève suit une journée d'exploitation, depuis les passages balisés et la salle "
            "de conduite. Il observe [À choisir : l'arrivée et la pesée des matières (effluents "
            "d'élevage, résidus de culture, déchets alimentaires) / la surveillance d'une "
            "centrale solaire / la surveillance d'une chaufferie bois]. Le technicien lui "
            "explique ce qu'il suit (température des digesteurs, biogaz ou électricité "
            "produits) et ce qu'il fait en cas d'alarme. L'élève assiste au point de début de "
            "journée de l'équipe d'exploitation.",
            "le chef d'exploitation, un technicien d'exploitation, un conducteur de chaufferie",
            "EPI du premier jour. L'élève reste sur les passages balisés, à distance des camions "
            "en manœuvre ; il ne monte ni sur les digesteurs ni sur les toitures et n'entre dans "
            "aucune zone ATEX ni aucun local électrique.",
        ),
        quality=_Day(
            "La salle de conduite, les mesures et la qualité de l'énergie",
            "En salle de conduite, l'élève découvre comment on pilote les installations à "
            "distance : écrans de supervision, alarmes, astreinte de nuit et de week-end. Il "
            "observe les analyses du biogaz et du digestat, ou le suivi de la production solaire "
            "comparée à l'ensoleillement. Le responsable lui explique les contrôles exigés par "
            "la réglementation et les comptes rendus envoyés aux autorités et aux clients. "
            "L'élève découvre comment on repère une baisse de rendement avant qu'elle ne "
            "devienne une panne.",
            "le ou la responsable de la salle de conduite, une technicienne d'analyse, "
            "l'ingénieur chargé des performances",
            "Journée surtout en salle de conduite : l'élève regarde les écrans sans agir sur les "
            "commandes. Près des points de prélèvement, lunettes de protection, à distance des "
            "échantillons.",
        ),
        maintenance=_Day(
            "Maintenance des installations et approvisionnement",
            "Le matin, l'élève suit un technicien de maintenance : inspection des pompes, des "
            "moteurs et des onduleurs, maintenance préventive, consignation électrique et "
            "mécanique avant toute intervention, habilitations électriques des techniciens. "
            "L'après-midi, il découvre comment les matières sont collectées chez les "
            "agriculteurs et les industriels, et comment le digestat repart vers les champs "
            "comme engrais, ou comment une chaufferie bois est approvisionnée.",
            "un technicien de maintenance électrique ou mécanique, le responsable des "
            "approvisionnements, un agriculteur partenaire si possible",
            "L'élève reste à distance des interventions, hors des zones consignées, des locaux "
            "électriques et des zones ATEX ; près des camions et des engins, gilet haute "
            "visibilité et zone piétonne uniquement.",
        ),
        office=_Office(
            "Développement de projets, bureau d'études, achats et ressources humaines",
            "Avec une chargée de projets, l'élève découvre comment naît une nouvelle "
            "installation : choix du terrain, études, concertation avec les habitants et les "
            "élus, autorisations, financement, chantier. Au bureau d'études, on lui montre les "
            "plans et les calculs de production d'une centrale solaire ou d'un réseau de "
            "chaleur ; avec l'acheteur, l'achat des équipements.",
            "une chargée de projets en énergies renouvelables, un technicien du bureau "
            "d'études, un acheteur",
        ),
        trainings=(
            "CAP Électricien ; bac pro Métiers de l'électricité et de ses environnements "
            "connectés ; bac pro Installateur en chauffage, climatisation et énergies "
            "renouvelables ; BTS Fluides, énergies, domotique ; BTS Électrotechnique ; BUT "
            "Métiers de la transition et de l'efficacité énergétiques ; écoles d'ingénieurs "
            "en énergie"
        ),
        future=_Day(
            "Les enjeux de la filière : transition énergétique et territoire",
            "Le tuteur présente la place des énergies renouvelables dans la transition "
            "énergétique : biogaz injecté dans le réseau de gaz, chaleur renouvelable, "
            "électricité solaire. L'élève découvre le lien avec l'agriculture de "
            "Seine-et-Marne (effluents d'élevage, cultures intermédiaires, digestat rendu aux "
            "champs) et avec les collectivités qui portent les réseaux de chaleur. Il découvre "
            "les nouveaux projets de l'entreprise (stockage, hydrogène, géothermie) et les "
            "métiers qu'ils vont créer.",
            "le tuteur, la ou le responsable du développement, un agent d'une collectivité "
            "partenaire si possible",
            "Journée surtout en bureau. Toute visite d'installation se fait avec les EPI du "
            "premier jour, sur les passages balisés et hors des zones ATEX.",
        ),
        project=_Day(
            "Projet d'observation : le chemin de l'énergie, de la ressource à l'usager",
            "L'élève reconstitue le chemin de l'énergie produite sur le site : ressource de "
            "départ (déchets, soleil, bois), transformation, pilotage, puis livraison dans le "
            "réseau de gaz, d'électricité ou de chaleur. À chaque étape, il note les "
            "équipements, les contrôles et les métiers qui interviennent. Il demande au "
            "responsable d'exploitation les chiffres clés du site : production annuelle, "
            "nombre de foyers alimentés, tonnes de déchets valorisées. Avec ces notes, il "
            "dessine le schéma qu'il présentera le dernier jour.",
            "le tuteur, les techniciens d'exploitation et de maintenance, le ou la responsable "
            "d'exploitation",
            "EPI du premier jour ; chaque passage sur les installations se fait avec un salarié "
            "désigné par le tuteur, sur les passages balisés, hors des zones ATEX et des locaux "
            "électriques.",
        ),
    ),
    Filiere.HEALTH_PHARMA: _Profile(
        title_3e=(
            "Une semaine dans l'industrie pharmaceutique : fabriquer et contrôler des produits "
            "de santé"
        ),
        title_2nde=(
            "Deux semaines dans les industries de santé : production, contrôle qualité et "
            "réglementation"
        ),
        of_sector="des industries de santé",
        floor="en production",
        tour=(
            "Visite du site depuis les couloirs de circulation : magasin des matières "
            "premières, zones de fabrication et salles propres vues à travers les vitres, "
            "conditionnement, laboratoires de contrôle et entrepôt. Le tuteur explique pourquoi "
            "personne n'entre en salle propre sans formation, habillage spécial et autorisation."
        ),
        tour_with_whom=(
            "le tuteur, la ou le responsable hygiène-sécurité-environnement, un chef d'équipe "
            "de production"
        ),
        ppe=(
            "blouse, charlotte, chaussures de sécurité ou surchaussures selon les zones, "
            "lunettes de protection au laboratoire, protections auditives au conditionnement"
        ),
        site_rule=(
            "Le tuteur explique les règles d'accès du site : badges, zones réservées, sas "
            "d'habillage, produits actifs et produits chimiques auxquels l'élève n'a jamais "
            "accès. L'élève n'entre pas en salle propre : il observe depuis les couloirs vitrés."
        ),
        job_families=(
            "production et conditionnement, contrôle qualité et assurance qualité, affaires "
            "réglementaires, maintenance et utilités, logistique, recherche et développement, "
            "fonctions administratives"
        ),
        interviewees=(
            "un opérateur de fabrication, une technicienne de contrôle qualité et un pharmacien "
            "ou une chargée d'affaires réglementaires"
        ),
        overview=_Day(
            "Fabriquer et contrôler un médicament",
            "Le matin, l'élève observe depuis les couloirs vitrés la fabrication (pesée, "
            "mélange, compression ou remplissage) et le conditionnement : flacons ou boîtes, "
            "notice, numéro de lot, contrôle par caméra. Le chef d'équipe lui explique "
            "l'habillage en salle propre et les bonnes pratiques de fabrication. L'après-midi, "
            "au laboratoire de contrôle, il assiste aux analyses des techniciens et apprend "
            "qu'aucun lot ne sort sans être libéré par un pharmacien. Il comprend pourquoi "
            "chaque geste est écrit et tracé.",
            "un chef d'équipe de production, une technicienne de contrôle qualité, un "
            "pharmacien chargé de la libération des lots",
            "L'élève reste dans les couloirs de circulation et derrière les vitres, sans entrer "
            "en salle propre ni en zone de produits actifs ; au laboratoire, blouse et lunettes, "
            "derrière le technicien, loin des échantillons et des réactifs.",
        ),
        production=_Day(
            "Observer la fabrication et le conditionnement depuis les couloirs",
            "L'élève passe la journée avec une équipe de production, depuis les couloirs vitrés "
            "et les zones autorisées. Il suit la fabrication d'un lot : pesée des matières, "
            "mélange, mise en forme (comprimés, gélules, liquides ou crèmes), puis "
            "conditionnement et contrôle des boîtes. Le chef d'équipe lui montre le dossier de "
            "lot, où chaque étape est enregistrée et signée. L'élève découvre l'habillage en "
            "salle propre par une démonstration ou une vidéo de formation.",
            "le chef d'équipe de production, un opérateur de fabrication, une conductrice de "
            "ligne de conditionnement",
            "L'élève reste dans les couloirs et derrière les vitres : il n'entre ni en salle "
            "propre ni en zone de produits actifs. Protections auditives près des lignes de "
            "conditionnement.",
        ),
        quality=_Day(
            "Contrôle qualité et assurance qualité",
            "Au laboratoire de contrôle, l'élève observe les analyses faites par les "
            "techniciens sur les matières premières et les produits finis : aspect, dosage, "
            "dissolution, contrôles microbiologiques. La responsable assurance qualité lui "
            "explique les bonnes pratiques de fabrication, les procédures et ce qu'est un "
            "écart. L'élève découvre la libération des lots par le pharmacien et la "
            "surveillance des salles propres (particules, micro-organismes).",
            "une technicienne ou un technicien de contrôle qualité, la ou le responsable "
            "assurance qualité, un pharmacien",
            "Au laboratoire : blouse et lunettes de protection ; l'élève se tient derrière le "
            "technicien, à distance des hottes, des échantillons, des réactifs et des appareils.",
        ),
        maintenance=_Day(
            "Maintenance, utilités et logistique",
            "Le matin, l'élève suit un technicien de maintenance et des utilités : traitement de "
            "l'air des salles propres, production d'eau purifiée, étalonnage des instruments, "
            "maintenance préventive, consignation avant intervention. L'après-midi, à "
            "l'entrepôt, il découvre le stockage à température contrôlée, la quarantaine des "
            "lots en attente de libération et la préparation des expéditions vers les "
            "pharmacies, les hôpitaux et les distributeurs.",
            "un technicien de maintenance et des utilités, un métrologue, le ou la responsable "
            "de l'entrepôt",
            "L'élève reste hors des locaux techniques en intervention et des zones consignées ; "
            "à l'entrepôt, gilet haute visibilité et allées piétonnes uniquement, jamais dans "
            "les zones de circulation des chariots.",
        ),
        office=_Office(
            "Affaires réglementaires, achats et ressources humaines",
            "Au service des affaires réglementaires, l'élève découvre ce qu'est une autorisation "
            "de mise sur le marché et le rôle de l'Agence nationale de sécurité du médicament "
            "(ANSM). Avec l'acheteur et la recherche et développement, il voit comment on "
            "choisit et qualifie les fournisseurs et comment un nouveau produit passe du "
            "laboratoire à l'usine.",
            "une chargée d'affaires réglementaires, un acheteur, un technicien de recherche et "
            "développement",
        ),
        trainings=(
            "CAP Conducteur d'installations de production ; bac pro Bio-industries de "
            "transformation ; bac STL (sciences et technologies de laboratoire) ; BTS Pilotage "
            "de procédés ; BTS Bioanalyses et contrôles ; BUT Génie biologique ; BUT Génie "
            "chimique génie des procédés ; études de pharmacie ; écoles d'ingénieurs"
        ),
        future=_Day(
            "Les enjeux de la filière : qualité, innovation et santé publique",
            "Le tuteur présente ce que le site fabrique et pour quels patients, et pourquoi "
            "produire des médicaments en France est un enjeu de santé publique. L'élève "
            "découvre les projets d'innovation du site (nouvelles lignes, automatisation, "
            "biotechnologies) et les efforts pour l'environnement : traitement des eaux usées, "
            "économies d'eau et d'énergie. Il découvre la pharmacovigilance, le suivi des effets "
            "indésirables d'un médicament après sa mise sur le marché.",
            "le tuteur, la ou le responsable hygiène-sécurité-environnement, un pharmacien ou "
            "un chef de projet",
            "Journée surtout en bureau. Toute visite se fait avec la tenue du premier jour, "
            "depuis les couloirs, sans entrer en salle propre.",
        ),
        project=_Day(
            "Projet d'observation : la vie d'un lot, de la pesée à la libération",
            "L'élève reconstitue la vie d'un lot : réception et contrôle des matières "
            "premières, fabrication, conditionnement, analyses, revue du dossier de lot et "
            "libération par le pharmacien. À chaque étape, il note qui intervient, ce qui est "
            "contrôlé et ce qui est enregistré. Il demande au tuteur combien de contrôles un lot "
            "subit et combien de temps il faut pour le libérer. Avec ces notes, il dessine la "
            "frise qu'il présentera le dernier jour.",
            "le tuteur, les équipes de production, de contrôle qualité et d'assurance qualité, "
            "le pharmacien",
            "Tenue du premier jour ; chaque passage en production se fait avec un salarié "
            "désigné par le tuteur, depuis les couloirs, sans entrer en salle propre ni en zone "
            "de produits actifs.",
        ),
    ),
    Filiere.SUSTAINABLE_BUILDING: _Profile(
        title_3e=(
            "Une semaine dans la construction durable : chantier, bureau d'études et matériaux "
            "bas carbone"
        ),
        title_2nde="Deux semaines dans la construction durable : du projet au chantier",
        of_sector="de la construction durable",
        floor="sur chantier",
        tour=(
            "Présentation des chantiers en cours, puis visite du dépôt ou de l'atelier de "
            "préfabrication (stockage des matériaux, préparation des éléments en bois ou en "
            "béton) depuis les passages balisés. L'après-midi, première visite de chantier avec "
            "le conducteur de travaux : installation de chantier, zones interdites, circulation "
            "des engins."
        ),
        tour_with_whom=(
            "le tuteur, le ou la responsable prévention-sécurité, un conducteur de travaux, un "
            "chef de chantier"
        ),
        ppe=(
            "casque, chaussures de sécurité, gilet haute visibilité, lunettes de protection, "
            "protections auditives sur le chantier et à l'atelier"
        ),
        site_rule=(
            "Le tuteur explique les risques d'un chantier : chutes de hauteur, engins en "
            "mouvement, charges levées par la grue, bruit et poussières. L'élève reste au sol, "
            "dans les zones autorisées : il ne monte ni sur un échafaudage ni sur une toiture et "
            "ne passe jamais sous une charge levée."
        ),
        job_families=(
            "conduite de travaux et encadrement de chantier, gros œuvre, construction bois, "
            "finitions, bureau d'études et maquette numérique, méthodes, achats, prévention, "
            "fonctions administratives"
        ),
        interviewees=(
            "un chef de chantier, une dessinatrice-projeteuse du bureau d'études et un "
            "charpentier ou un maçon"
        ),
        overview=_Day(
            "Une journée sur chantier avec le conducteur de travaux",
            "L'élève accompagne le conducteur de travaux sur un chantier : point sécurité du "
            "matin, réunion de chantier, tour des travaux depuis les zones autorisées. Il "
            "observe les équipes (gros œuvre, ossature bois, menuiseries, isolation) et la "
            "façon dont elles se succèdent. Le chef de chantier lui explique le planning, la "
            "réception des livraisons et les contrôles faits avant de couler une dalle ou de "
            "fermer un mur. De retour au bureau, l'élève compare ce qu'il a vu avec les plans.",
            "le conducteur de travaux, un chef de chantier, les compagnons des équipes "
            "présentes, le coordinateur sécurité si possible",
            "Casque, chaussures de sécurité, gilet haute visibilité et lunettes. L'élève reste "
            "avec le conducteur de travaux dans les zones autorisées, au sol, à distance des "
            "engins ; il ne monte sur aucun échafaudage et ne passe jamais sous une charge "
            "levée.",
        ),
        production=_Day(
            "Une journée sur chantier : organisation et travaux",
            "L'élève passe la journée sur un chantier avec le chef de chantier, depuis les zones "
            "autorisées. Il assiste au point sécurité du matin et à la répartition du travail "
            "entre les équipes. Il observe les travaux en cours (fondations, murs en béton bas "
            "carbone, pose d'une ossature bois, isolation) et la réception des livraisons. Le "
            "chef de chantier lui explique comment il tient le planning et gère les imprévus : "
            "météo, livraison en retard.",
            "le chef de chantier, un chef d'équipe, les compagnons des équipes présentes, un "
            "livreur de matériaux",
            "Casque, chaussures de sécurité, gilet haute visibilité et lunettes. L'élève reste "
            "avec le chef de chantier dans les zones autorisées, au sol, à distance des engins ; "
            "il ne monte sur aucun échafaudage et ne passe jamais sous une charge levée.",
        ),
        quality=_Day(
            "Préfabrication et qualité de la construction",
            "À l'atelier de préfabrication, ou sur un chantier en fin de gros œuvre, l'élève "
            "observe la fabrication d'éléments en bois ou en béton : murs à ossature bois, "
            "poutres, caissons, prédalles. Le responsable d'atelier lui explique pourquoi "
            "préparer en atelier rend le chantier plus rapide, plus propre et plus sûr. Avec le "
            "responsable qualité, il découvre les autocontrôles, les essais (étanchéité à l'air "
            "d'un bâtiment, résistance des bétons) et la réception des travaux avec le client.",
            "le ou la responsable d'atelier, un charpentier, la ou le responsable qualité",
            "EPI du premier jour. À l'atelier, l'élève reste derrière le marquage au sol, à "
            "distance des scies, des machines à commande numérique et des ponts roulants.",
        ),
        maintenance=_Day(
            "Matériel, approvisionnements et logistique de chantier",
            "Le matin, au dépôt, l'élève découvre comment le matériel est entretenu et vérifié "
            "(engins, échafaudages, outillage) et comment on prépare ce qui part sur les "
            "chantiers. Il observe le chargement d'un camion depuis la zone piétonne. "
            "L'après-midi, avec le conducteur de travaux, il découvre comment on commande les "
            "matériaux, organise les livraisons d'un chantier en ville et trie les déchets de "
            "chantier pour les recycler.",
            "le chef de dépôt, un mécanicien d'engins, le conducteur de travaux",
            "Au dépôt : casque, chaussures de sécurité et gilet haute visibilité, zone piétonne "
            "uniquement, à distance des engins et des chargements ; l'élève ne monte sur aucun "
            "engin et reste hors de l'atelier mécanique pendant les interventions.",
        ),
        office=_Office(
            "Bureau d'études, maquette numérique (BIM), achats et ressources humaines",
            "Au bureau d'études, l'élève découvre comment un bâtiment est conçu : plans, calculs "
            "de structure, choix de matériaux biosourcés ou bas carbone, et la maquette "
            "numérique (BIM) partagée entre l'architecte, les ingénieurs et l'entreprise. Avec "
            "l'économiste de la construction ou l'acheteur, il voit comment on chiffre un projet "
            "et comment on choisit les fournisseurs.",
            "une dessinatrice-projeteuse, un ingénieur structure, un économiste de la "
            "construction ou un acheteur",
        ),
        trainings=(
            "CAP Maçon ; CAP Charpentier bois ; bac pro Technicien du bâtiment : organisation "
            "et réalisation du gros œuvre ; bac pro Technicien constructeur bois ; BTS "
            "Bâtiment ; BTS Systèmes constructifs bois et habitat ; BUT Génie civil – "
            "construction durable ; écoles d'ingénieurs et d'architecture"
        ),
        future=_Day(
            "Les enjeux de la filière : matériaux bas carbone, rénovation énergétique et réemploi",
            "Le tuteur présente la réglementation environnementale des bâtiments neufs (RE2020) "
            "et ce qu'elle change : plus de bois, de béton bas carbone et de matériaux "
            "biosourcés comme le chanvre, la paille ou la fibre de bois. L'élève découvre la "
            "rénovation énergétique des bâtiments existants : isolation, ventilation, "
            "chauffage. Il découvre le réemploi des matériaux et le tri des déchets de chantier.",
            "le tuteur, la ou le responsable environnement ou innovation, un ingénieur "
            "thermicien",
            "Journée surtout en bureau. Toute visite de chantier ou d'atelier se fait avec le "
            "tuteur et les EPI du premier jour, dans les zones autorisées.",
        ),
        project=_Day(
            "Projet d'observation : du plan au chantier",
            "L'élève choisit avec le tuteur un élément de l'ouvrage (un mur à ossature bois, une "
            "dalle, une façade) et le suit du plan au chantier : conception, commande des "
            "matériaux, préfabrication éventuelle, livraison, mise en œuvre et contrôle. Il note "
            "les métiers qui interviennent à chaque étape et les documents utilisés. Il compare "
            "la maquette numérique avec ce qu'il voit sur le chantier. Avec ces notes, il "
            "prépare le schéma qu'il présentera le dernier jour.",
            "le tuteur, le bureau d'études, le conducteur de travaux et le chef de chantier",
            "EPI du premier jour ; sur chantier, l'élève reste avec un salarié désigné par le "
            "tuteur dans les zones autorisées, au sol, à distance des engins et jamais sous une "
            "charge levée.",
        ),
    ),
    Filiere.FUTURE_INDUSTRY: _Profile(
        title_3e="Une semaine dans l'industrie du futur : robots, numérique et maintenance",
        title_2nde=(
            "Deux semaines dans une usine connectée : robotique, jumeau numérique et maintenance "
            "prédictive"
        ),
        of_sector="de l'industrie du futur",
        floor="en atelier",
        tour=(
            "Visite de l'usine : îlots robotisés vus derrière leurs protections, lignes "
            "d'usinage ou d'assemblage, robots mobiles qui transportent les pièces, salle de "
            "supervision où s'affichent les données de production. Le tuteur montre les "
            "barrières de sécurité, les arrêts d'urgence et les allées piétonnes."
        ),
        tour_with_whom="le tuteur, le ou la responsable sécurité, un technicien automaticien",
        ppe=(
            "chaussures de sécurité, lunettes de protection, protections auditives, gilet haute "
            "visibilité là où circulent chariots et robots mobiles"
        ),
        site_rule=(
            "Le tuteur explique les risques propres au site : robots et machines automatiques "
            "qui peuvent démarrer sans prévenir, pièces en mouvement, copeaux, robots mobiles "
            "dans les allées. L'élève ne franchit jamais une barrière, une porte d'îlot ou un "
            "faisceau de sécurité."
        ),
        job_families=(
            "pilotage de lignes automatisées, robotique et automatisme, maintenance, méthodes "
            "et industrialisation, données et informatique industrielle, qualité, fonctions "
            "administratives"
        ),
        interviewees=(
            "un technicien roboticien, une pilote de ligne automatisée et une analyste de "
            "données industrielles"
        ),
        overview=_Day(
            "Robots, supervision et maintenance prédictive",
            "Le matin, l'élève observe un îlot robotisé derrière ses protections : chargement "
            "des pièces, soudage, assemblage ou contrôle par caméra. Le pilote de ligne lui "
            "montre sur l'écran de supervision la cadence, les arrêts et les alertes. "
            "L'après-midi, un technicien de maintenance lui présente les capteurs qui mesurent "
            "les vibrations ou la température des machines et explique comment la maintenance "
            "prédictive permet d'intervenir avant la panne. L'élève assiste enfin à une "
            "démonstration du jumeau numérique de la ligne sur ordinateur.",
            "un pilote de ligne, un technicien roboticien, un technicien de maintenance, un "
            "ingénieur méthodes",
            "EPI du premier jour. L'élève reste sur les allées piétonnes, derrière les "
            "protections des îlots et des machines ; il ne franchit aucune barrière et reste à "
            "distance des pupitres et des robots, y compris collaboratifs.",
        ),
        production=_Day(
            "Observer une ligne automatisée et ses robots",
            "L'élève passe la journée avec l'équipe d'une ligne automatisée, depuis les allées "
            "piétonnes. Il observe les robots derrière leurs protections, les robots "
            "collaboratifs qui travaillent à côté des opérateurs et les robots mobiles qui "
            "approvisionnent les postes. Le pilote de ligne lui explique les écrans de "
            "supervision, les indicateurs de performance et ce qu'il fait lors d'un arrêt. "
            "L'élève assiste à la réunion quotidienne de l'équipe devant le tableau des "
            "indicateurs.",
            "le chef d'équipe, une pilote de ligne automatisée, un technicien roboticien",
            "EPI du premier jour. L'élève reste derrière les protections, à distance des robots "
            "collaboratifs, des robots mobiles et des pupitres de commande.",
        ),
        quality=_Day(
            "Qualité, mesure et contrôle automatisé",
            "Au laboratoire de métrologie, l'élève observe un technicien contrôler des pièces : "
            "machine à mesurer tridimensionnelle, contrôle par caméra ou par laser. La "
            "responsable qualité lui explique comment les mesures, enregistrées "
            "automatiquement, sont suivies sur des graphiques pour repérer une dérive avant "
            "qu'une pièce soit mauvaise. L'élève assiste à une analyse de problème en équipe "
            "(recherche des causes d'un défaut) et découvre la démarche d'amélioration continue.",
            "un technicien métrologue, la ou le responsable qualité, un technicien méthodes",
            "Au laboratoire, l'élève regarde les mesures à côté du technicien, à distance des "
            "pièces et des appareils. En atelier, EPI du premier jour et allées piétonnes.",
        ),
        maintenance=_Day(
            "Maintenance prédictive et flux de pièces",
            "Le matin, l'élève suit un technicien de maintenance : tableau de bord des "
            "capteurs, alertes, maintenance préventive, consignation avant toute intervention. "
            "Le technicien lui montre comment l'analyse des données permet de prévoir l'usure "
            "d'une pièce et de planifier l'intervention : c'est la maintenance prédictive. "
            "L'après-midi, il découvre le magasin et "
            "les flux de pièces : robots mobiles, étiquettes et codes lus automatiquement, "
            "approvisionnement des lignes au bon moment.",
            "un technicien de maintenance, une analyste de données industrielles, le ou la "
            "responsable logistique",
            "L'élève reste hors des zones consignées et à distance des interventions ; au "
            "magasin, allées piétonnes uniquement, à distance des robots mobiles et des "
            "chariots.",
        ),
        office=_Office(
            "Bureau d'études, conception sur ordinateur, achats et ressources humaines",
            "Au bureau d'études, un technicien montre à l'élève comment une pièce est dessinée "
            "en 3D sur ordinateur, simulée, puis programmée sur les machines à commande "
            "numérique ; il découvre aussi la fabrication additive (impression 3D). Avec "
            "l'acheteur, il voit comment on choisit les fournisseurs de composants et "
            "d'équipements.",
            "un technicien ou une ingénieure du bureau d'études, un programmeur de machines à "
            "commande numérique, un acheteur",
        ),
        trainings=(
            "CAP Conducteur d'installations de production ; bac pro Pilote de ligne de "
            "production ; bac pro Maintenance des systèmes de production connectés ; BTS "
            "Conception et réalisation de systèmes automatiques ; BTS Maintenance des systèmes ; "
            "BUT Génie électrique et informatique industrielle ; BUT Génie mécanique et "
            "productique ; écoles d'ingénieurs"
        ),
        future=_Day(
            "Les enjeux de la filière : usine numérique, données et sobriété énergétique",
            "Le tuteur présente la transformation de l'usine : machines connectées, données de "
            "production, jumeau numérique pour essayer une modification sur ordinateur avant de "
            "la faire en vrai. L'élève découvre la cybersécurité industrielle et pourquoi les "
            "machines ne sont pas reliées n'importe comment à internet. Il découvre comment les "
            "données aident aussi à réduire la consommation d'énergie et les rebuts.",
            "le tuteur, un ingénieur en informatique industrielle, la ou le responsable énergie "
            "ou amélioration continue",
            "Journée surtout en bureau. Toute visite d'atelier se fait avec les EPI du premier "
            "jour, sur les allées piétonnes et derrière les protections.",
        ),
        project=_Day(
            "Projet d'observation : de la donnée à la décision",
            "L'élève suit une machine ou un îlot choisi avec le tuteur : ce qu'il produit, les "
            "capteurs installés, les données enregistrées, les alertes et les décisions prises "
            "par l'équipe (réglage, maintenance, arrêt). Il compare ce qu'il voit sur la ligne "
            "avec ce qu'affichent la supervision et le jumeau numérique. Il demande au pilote de "
            "ligne et au technicien de maintenance les indicateurs de la semaine. Avec ces "
            "notes, il prépare le schéma qu'il présentera le dernier jour.",
            "le tuteur, le pilote de ligne, le technicien de maintenance, l'ingénieur méthodes",
            "EPI du premier jour ; chaque passage en atelier se fait avec un salarié désigné par "
            "le tuteur, sur les allées piétonnes, derrière les protections.",
        ),
    ),
    Filiere.AERONAUTICS: _Profile(
        title_3e="Une semaine dans l'aéronautique : assemblage, composites et contrôle",
        title_2nde=(
            "Deux semaines dans l'aéronautique : fabrication, contrôle non destructif et qualité"
        ),
        of_sector="de l'aéronautique",
        floor="en atelier",
        tour=(
            "Visite du site : atelier d'usinage, salle blanche de drapage des composites vue à "
            "travers les vitres, autoclave, ligne d'assemblage, laboratoire de contrôle et "
            "magasin. Le tuteur explique la chasse aux objets oubliés : une vis ou un outil "
            "perdu peut endommager un avion ou un moteur."
        ),
        tour_with_whom=(
            "le tuteur, le ou la responsable hygiène-sécurité-environnement, un chef d'atelier"
        ),
        ppe=(
            "chaussures de sécurité, lunettes de protection, protections auditives, blouse ou "
            "tenue de l'atelier ; ni bijou ni objet dans les poches en zone d'assemblage"
        ),
        site_rule=(
            "Le tuteur explique les règles du site : badges et zones réservées, produits "
            "chimiques (résines, solvants), bruit, zones de contrôle par rayons X ou par "
            "ressuage où l'élève n'entre jamais."
        ),
        job_families=(
            "usinage, composites, assemblage et câblage, contrôle non destructif, qualité, "
            "méthodes et bureau d'études, logistique, fonctions administratives"
        ),
        interviewees=(
            "un ajusteur-monteur ou une monteuse en structure, une technicienne en contrôle non "
            "destructif et un technicien qualité"
        ),
        overview=_Day(
            "Fabriquer et contrôler une pièce d'avion",
            "Le matin, l'élève observe depuis les allées la fabrication d'une pièce : usinage "
            "sur machine à commande numérique, ou drapage de tissus de carbone à travers la "
            "vitre de la salle blanche, puis cuisson en autoclave. Il suit ensuite, à distance, "
            "l'assemblage de sous-ensembles : perçage, rivetage, câblage. L'après-midi, il "
            "découvre le contrôle non destructif (ultrasons, ressuage, radiographie), qui "
            "vérifie une pièce sans l'abîmer, puis le contrôle qualité et la traçabilité de "
            "chaque pièce.",
            "un chef d'atelier, une opératrice composite, un ajusteur-monteur, une technicienne "
            "en contrôle non destructif",
            "EPI du premier jour. L'élève reste sur les allées piétonnes et derrière les vitres ; "
            "il n'entre ni dans la salle blanche ni dans les cabines de contrôle par rayons X ou "
            "par ressuage.",
        ),
        production=_Day(
            "Usinage, composites et assemblage",
            "L'élève passe la journée dans les ateliers de fabrication, depuis les allées "
            "piétonnes. Il observe l'usinage d'une pièce sur machine à commande numérique, puis, "
            "à travers la vitre de la salle blanche, le drapage de tissus de carbone et la "
            "préparation d'une cuisson en autoclave. Sur la ligne d'assemblage, il voit le "
            "perçage, le rivetage et le câblage de sous-ensembles sur des gabarits de précision. "
            "Le chef d'atelier lui explique la gamme de fabrication, suivie et signée étape par "
            "étape.",
            "le chef d'atelier, un opérateur sur machine à commande numérique, une opératrice "
            "composite, un ajusteur-monteur",
            "EPI du premier jour. L'élève reste derrière le marquage au sol et les vitres, "
            "n'entre pas dans la salle blanche, reste à distance de l'autoclave et des machines "
            "et n'a aucun objet libre sur lui en zone d'assemblage.",
        ),
        quality=_Day(
            "Contrôle non destructif et qualité",
            "L'élève découvre le contrôle non destructif avec une technicienne certifiée : "
            "ultrasons, ressuage, courants de Foucault, radiographie, observés depuis "
            "l'extérieur des cabines ou sur écran. Elle lui explique comment on trouve un défaut "
            "invisible à l'œil sans abîmer la pièce. Avec un technicien qualité, l'élève suit "
            "l'inspection d'une pièce, sa comparaison avec le plan et la signature qui autorise "
            "sa livraison. Il découvre les exigences des avionneurs et des autorités de "
            "l'aviation civile.",
            "une technicienne en contrôle non destructif, un technicien qualité, la ou le "
            "responsable qualité",
            "L'élève reste hors des cabines de radiographie et des zones de ressuage (produits "
            "chimiques, lumière ultraviolette) ; il observe depuis l'extérieur ou sur écran.",
        ),
        maintenance=_Day(
            "Maintenance des moyens, outillage et logistique",
            "Le matin, l'élève suit un technicien de maintenance : machines à commande "
            "numérique, autoclave, air comprimé, maintenance préventive, consignation avant "
            "intervention. Il découvre le magasin d'outillage, où chaque outil est enregistré "
            "pour qu'aucun ne soit oublié dans un avion. L'après-midi, il découvre le magasin de "
            "matières (dont les composites conservés au congélateur), la traçabilité des lots et "
            "l'emballage des pièces expédiées vers les lignes d'assemblage des avionneurs.",
            "un technicien de maintenance, le magasinier outillage, le ou la responsable "
            "logistique",
            "L'élève reste hors des zones consignées et à distance des interventions ; au "
            "magasin, allées piétonnes uniquement, jamais dans les zones de circulation des "
            "chariots.",
        ),
        office=_Office(
            "Bureau d'études, méthodes, achats et ressources humaines",
            "Au bureau d'études et des méthodes, l'élève découvre comment une pièce est dessinée "
            "en 3D, calculée pour résister aux efforts du vol, puis industrialisée : gamme de "
            "fabrication, programmes des machines, outillages. Avec l'acheteur, il voit comment "
            "on choisit et surveille les fournisseurs, tous tenus aux exigences de "
            "l'aéronautique.",
            "un technicien ou une ingénieure du bureau d'études, un technicien méthodes, un "
            "acheteur",
        ),
        trainings=(
            "CAP Aéronautique ; bac pro Aéronautique ; BTS Aéronautique ; BTS Conception des "
            "processus de réalisation de produits ; BUT Génie mécanique et productique ; BUT "
            "Mesures physiques ; écoles d'ingénieurs en aéronautique"
        ),
        future=_Day(
            "Les enjeux de la filière : avion décarboné, matériaux légers et numérique",
            "Le tuteur présente les projets de l'aéronautique pour réduire les émissions : "
            "avions plus légers grâce aux composites, moteurs plus sobres, carburants durables, "
            "recherches sur l'hydrogène et l'avion électrique. L'élève découvre la place de "
            "l'entreprise parmi les fournisseurs des avionneurs et des motoristes. Il découvre "
            "les outils numériques de l'atelier : maquette numérique, réalité augmentée pour "
            "l'assemblage, suivi de production.",
            "le tuteur, un ingénieur innovation ou industrialisation, la ou le responsable du "
            "site",
            "Journée surtout en bureau. Toute visite d'atelier se fait avec les EPI du premier "
            "jour, sur les allées piétonnes et derrière les vitres.",
        ),
        project=_Day(
            "Projet d'observation : la vie d'une pièce, du plan à la livraison",
            "L'élève suit une pièce choisie avec le tuteur : plan et gamme de fabrication, "
            "usinage ou drapage, assemblage, contrôles non destructifs, inspection qualité, "
            "emballage et livraison. À chaque étape, il note qui intervient, ce qui est "
            "contrôlé et ce qui est signé. Il demande combien de contrôles la pièce subit et "
            "combien de temps dure sa fabrication. Avec ces notes, il dessine la frise qu'il "
            "présentera le dernier jour.",
            "le tuteur, les équipes de fabrication, de contrôle et de qualité, le technicien "
            "méthodes",
            "EPI du premier jour ; chaque passage en atelier se fait avec un salarié désigné par "
            "le tuteur, sur les allées piétonnes, hors de la salle blanche et des cabines de "
            "contrôle.",
        ),
    ),
    Filiere.OTHER: _Profile(
        title_3e="Une semaine dans l'industrie : découvrir une usine et ses métiers",
        title_2nde=(
            "Deux semaines dans l'industrie : production, qualité, maintenance et projet "
            "d'observation"
        ),
        of_sector="de l'industrie",
        floor="en atelier",
        tour=(
            "Visite de l'usine en suivant le produit : réception des matières et des "
            "composants, ateliers de fabrication, assemblage, contrôle, conditionnement, "
            "stockage et expédition. Le tuteur montre les allées piétonnes, les zones de "
            "circulation des chariots et les zones interdites."
        ),
        tour_with_whom="le tuteur, le ou la responsable sécurité, un chef d'atelier",
        ppe=(
            "chaussures de sécurité, lunettes de protection, protections auditives dans les "
            "ateliers bruyants, gilet haute visibilité près des zones de circulation"
        ),
        site_rule=(
            "Le tuteur explique les risques propres au site (machines, pièces en mouvement, "
            "bruit, produits chimiques, circulation des chariots) et les pictogrammes qui les "
            "signalent."
        ),
        job_families=(
            "fabrication et assemblage, réglage et conduite de machines, qualité, maintenance, "
            "logistique, méthodes et bureau d'études, fonctions commerciales et administratives"
        ),
        interviewees=(
            "une opératrice de production, un technicien de maintenance et une technicienne "
            "qualité ou méthodes"
        ),
        overview=_Day(
            "Au cœur de l'usine : production, qualité et maintenance",
            "Le matin, l'élève observe depuis les allées piétonnes les étapes de fabrication du "
            "produit et le travail des opérateurs et des régleurs. Le chef d'équipe lui explique "
            "l'organisation des équipes, les consignes au poste et les indicateurs affichés "
            "dans l'atelier. L'après-midi, il découvre le contrôle qualité (mesures, contrôle "
            "visuel, fiches de contrôle) et suit un technicien de maintenance qui lui explique "
            "la maintenance préventive et la consignation. Il termine par le magasin et le quai "
            "d'expédition.",
            "un chef d'équipe, une opératrice de production, un technicien qualité, un "
            "technicien de maintenance",
            "EPI du premier jour. L'élève reste sur les allées piétonnes, derrière les carters "
            "et les barrières, à distance des machines et des chariots.",
        ),
        production=_Day(
            "Observer la fabrication et l'organisation d'un atelier",
            "L'élève passe la journée avec une équipe de production, depuis les allées "
            "piétonnes. Il suit les étapes de fabrication, des matières premières ou des "
            "composants jusqu'au produit fini. Le chef d'équipe lui explique les fiches de "
            "poste, les changements de série et les indicateurs affichés : production, qualité, "
            "sécurité. L'élève assiste à la réunion de début de poste de l'équipe.",
            "le chef d'équipe, une opératrice de production, un régleur, un conducteur de ligne",
            "EPI du premier jour. L'élève reste sur les allées piétonnes, derrière les carters "
            "et les barrières, à distance des machines et des pièces en mouvement.",
        ),
        quality=_Day(
            "Contrôle et qualité",
            "L'élève observe le travail d'une technicienne qualité : contrôle des pièces ou des "
            "produits à la réception et en fin de fabrication, instruments de mesure, fiches de "
            "contrôle. Le responsable qualité lui explique ce qu'est une non-conformité et "
            "comment l'équipe en cherche les causes pour qu'elle ne se reproduise pas. L'élève "
            "découvre la certification du site et le traitement des réclamations des clients.",
            "une technicienne ou un technicien qualité, la ou le responsable qualité, un "
            "contrôleur en fin de ligne",
            "Au poste de contrôle, l'élève regarde à côté du technicien, à distance des pièces "
            "et des instruments. En atelier, EPI du premier jour et allées piétonnes.",
        ),
        maintenance=_Day(
            "Maintenance et logistique",
            "Le matin, l'élève suit un technicien de maintenance : tournée d'inspection, "
            "maintenance préventive, dépannage observé à distance, consignation avant toute "
            "intervention. L'après-midi, au magasin et aux quais, il découvre la réception des "
            "composants, la gestion des stocks et la préparation des expéditions. La "
            "planificatrice lui montre comment la production est organisée à partir des "
            "commandes des clients.",
            "un technicien de maintenance, le ou la responsable logistique, une planificatrice "
            "de production",
            "L'élève reste hors des zones consignées et à distance des interventions ; au "
            "magasin et aux quais, gilet haute visibilité, allées piétonnes uniquement, jamais "
            "dans les zones de circulation des chariots.",
        ),
        office=_Office(
            "Bureau d'études, méthodes, achats et ressources humaines",
            "Au bureau d'études et des méthodes, l'élève découvre comment un produit est dessiné "
            "sur ordinateur, puis comment on prépare sa fabrication : choix des machines, temps "
            "de fabrication, fiches de poste. Avec l'acheteur et le service commercial, il voit "
            "comment on choisit les fournisseurs et comment on répond à la commande d'un client.",
            "un technicien ou une ingénieure du bureau d'études, un technicien méthodes, un "
            "acheteur",
        ),
        trainings=(
            "CAP Conducteur d'installations de production ; bac pro Pilote de ligne de "
            "production ; bac pro Maintenance des systèmes de production connectés ; BTS "
            "Conception des processus de réalisation de produits ; BTS Maintenance des "
            "systèmes ; BUT Qualité, logistique industrielle et organisation ; écoles "
            "d'ingénieurs"
        ),
        future=_Day(
            "Les enjeux de l'industrie : environnement, numérique et emploi local",
            "Le tuteur présente les projets du site pour réduire sa consommation d'énergie, ses "
            "déchets et ses émissions. L'élève découvre les outils numériques de l'usine "
            "(supervision, données de production, conception sur ordinateur) et ce qu'ils "
            "changent dans les métiers. Il découvre les liens de l'entreprise avec ses clients, "
            "ses fournisseurs et les autres industriels de Seine-et-Marne.",
            "le tuteur, la ou le responsable environnement ou amélioration continue, le ou la "
            "responsable du site",
            "Journée surtout en bureau. Toute visite d'atelier se fait avec les EPI du premier "
            "jour, sur les allées piétonnes.",
        ),
        project=_Day(
            "Projet d'observation : le parcours d'un produit dans l'usine",
            "L'élève suit un produit choisi avec le tuteur à chaque étape : commande du client, "
            "planification, approvisionnement, fabrication, contrôle, expédition. À chaque "
            "étape, il note qui intervient, les informations utilisées et le temps passé. Il "
            "demande au tuteur quelques chiffres clés : production par jour, nombre de "
            "salariés, principaux clients. Avec ces notes, il dessine le parcours qu'il "
            "présentera le dernier jour.",
            "le tuteur, les équipes de production, de qualité et de logistique, le service "
            "commercial",
            "EPI du premier jour ; chaque passage en atelier se fait avec un salarié désigné par "
            "le tuteur, sur les allées piétonnes, à distance des machines.",
        ),
    ),
}


# « L'offre en quelques mots »: what the pupil will see, one sentence per filière, then the
# level's format (see `summary_template`). Observation verbs only, as in the programs.
_SUMMARIES: dict[Filiere, str] = {
    Filiere.AGRI_FOOD: (
        "Suivre un produit alimentaire de la réception des matières premières à l'expédition : "
        "observer une ligne de fabrication et de conditionnement, les contrôles du laboratoire "
        "qualité et les règles d'hygiène du site."
    ),
    Filiere.MATERIALS: (
        "Découvrir comment naît un matériau, du four ou de la presse au produit fini : observer "
        "la conduite des procédés, les essais du laboratoire et le contrôle qualité."
    ),
    Filiere.LOGISTICS: (
        "Suivre une marchandise de la réception à la livraison : observer le quai, le stockage, "
        "la préparation des commandes, la gestion des stocks et l'organisation du transport."
    ),
    Filiere.GREEN_ENERGY: (
        "Comprendre comment on produit une énergie renouvelable : observer le pilotage et la "
        "maintenance des installations (méthanisation, solaire, réseau de chaleur) et la "
        "conduite d'un projet."
    ),
    Filiere.HEALTH_PHARMA: (
        "Voir comment on fabrique et contrôle un médicament ou un produit de santé : observer la "
        "production et le conditionnement, le laboratoire de contrôle qualité et les règles qui "
        "protègent les patients."
    ),
    Filiere.SUSTAINABLE_BUILDING: (
        "Suivre un bâtiment du bureau d'études au chantier : observer la maquette numérique, "
        "l'organisation d'un chantier, la construction bois et les matériaux bas carbone."
    ),
    Filiere.FUTURE_INDUSTRY: (
        "Découvrir une usine connectée : observer des lignes automatisées et des robots, le suivi "
        "de la production par les données et le travail des équipes de maintenance."
    ),
    Filiere.AERONAUTICS: (
        "Voir comment on fabrique et contrôle des pièces d'avion : observer l'usinage, les "
        "composites, l'assemblage et les contrôles qualité qui garantissent la sécurité des vols."
    ),
    Filiere.OTHER: (
        "Découvrir une usine et ses métiers : observer la fabrication et l'assemblage, le réglage "
        "des machines, la qualité, la maintenance et la logistique."
    ),
}

_SUMMARY_FORMAT = {
    Level.TROISIEME: (
        "Une semaine d'observation, accompagné en permanence par un tuteur, pour découvrir les "
        "métiers {of_sector} et les formations qui y mènent."
    ),
    Level.SECONDE: (
        "Deux semaines d'observation, avec un petit projet présenté à l'équipe le dernier jour, "
        "pour découvrir les métiers {of_sector} et les formations qui y mènent."
    ),
}


def _observing(day: _Day) -> _Day:
    """A day on the shop floor: its own precautions, then the observation-only rule."""
    return day._replace(safety=f"{day.safety} {_OBSERVE}")


def _welcome(p: _Profile, level: Level) -> _Day:
    program = (
        "de la semaine"
        if level is Level.TROISIEME
        else "des deux semaines, dont le projet d'observation présenté le dernier jour"
    )
    return _Day(
        "Accueil, consignes de sécurité et visite du site",
        f"Accueil par le tuteur : présentation de l'entreprise, de ses produits, de ses clients "
        f"et du programme {program}. Accueil sécurité avant toute visite, puis remise des "
        f"équipements de protection. {p.tour} En fin de journée, l'élève note dans son carnet "
        f"de stage ses premières impressions et les questions qu'il veut poser.",
        p.tour_with_whom,
        f"Accueil sécurité par le tuteur avant toute visite : règles du site, consignes "
        f"d'évacuation et point de rassemblement, conduite à tenir en cas d'accident, "
        f"pictogrammes de danger. Équipements de protection individuelle (EPI) fournis et "
        f"ajustés : {p.ppe}. {p.site_rule} L'élève est accompagné en permanence, reste sur les "
        f"passages autorisés et derrière les protections, et n'a accès à aucune machine.",
    )


def _jobs(p: _Profile) -> _Day:
    return _observing(_Day(
        "Découverte des métiers et entretiens avec des salariés",
        f"Le tuteur présente l'organisation du site et ses grandes familles de métiers : "
        f"{p.job_families}. L'élève prépare avec lui une grille d'entretien : formation suivie, "
        f"parcours, journée type, ce qui plaît dans le métier. Il interroge ensuite "
        f"{p.interviewees} sur leur parcours, puis observe leur travail depuis un endroit "
        f"sûr choisi par le tuteur (allée piétonne, bureau, salle de contrôle). Il rédige une "
        f"courte fiche pour chaque métier rencontré.",
        f"le tuteur, {p.interviewees}",
        "Entretiens en bureau ou en salle de pause. Pour observer un salarié au travail, "
        "l'élève porte les EPI du premier jour et reste là où le tuteur l'a placé, sur les "
        "passages autorisés, jamais à côté d'un engin en mouvement, d'une machine en marche ou "
        "d'une armoire électrique ouverte.",
    ))


def _office(p: _Profile, level: Level) -> _Day:
    orientation = (
        ""
        if level is Level.TROISIEME
        else " Il compare ces parcours avec les spécialités de 1re qui l'intéressent."
    )
    return _Day(
        p.office.title,
        f"{p.office.activities} Au service des ressources humaines, il découvre comment se "
        f"passe un recrutement et ce qu'est l'apprentissage, en rencontrant si possible un "
        f"apprenti du site. Il repère les formations qui mènent aux métiers du site, du CAP au "
        f"diplôme d'ingénieur : {p.trainings}.{orientation}",
        f"{p.office.with_whom}, la chargée ou le chargé des ressources humaines, un apprenti "
        "si possible",
        f"Journée en bureaux : rappel des consignes d'évacuation et du point de rassemblement. "
        f"Tout passage {p.floor} se fait avec le tuteur et les EPI du premier jour, sans accès "
        f"aux machines.",
    )


def _first_week_review(p: _Profile) -> _Day:
    day = _observing(p.maintenance)
    return day._replace(
        activities=f"{day.activities} En fin de journée, bilan de la première semaine avec le "
        f"tuteur et choix du sujet du projet d'observation de la deuxième semaine."
    )


def _future(p: _Profile) -> _Day:
    day = _observing(p.future)
    return day._replace(
        activities=f"{day.activities} En fin de journée, l'élève prépare avec le tuteur les "
        f"questions et les informations à recueillir pour son projet d'observation."
    )


def _closing_safety(p: _Profile) -> str:
    return (
        f"Journée en salle de réunion : rappel des consignes d'évacuation. Pas de passage "
        f"{p.floor} sans le tuteur ; restitution des équipements de protection prêtés."
    )


def _week_report(p: _Profile) -> _Day:
    return _Day(
        "Bilan de la semaine : présentation au tuteur et rapport de stage",
        f"L'élève termine son rapport de stage avec l'aide du tuteur : l'entreprise, les "
        f"métiers rencontrés, ce qu'il a observé et ce qu'il en retient (photos seulement si le "
        f"site les autorise). Il présente en une dizaine de minutes ce qu'il a appris sur les "
        f"métiers {p.of_sector} au tuteur et aux salariés rencontrés dans la semaine, puis "
        f"répond à leurs questions. Le tuteur lui fait un retour et remplit l'appréciation de "
        f"stage. L'échange se termine sur les suites possibles : formations, apprentissage, "
        f"stage de 2nde dans l'entreprise.",
        "le tuteur, les salariés interviewés pendant la semaine, la ou le responsable du site "
        "si possible",
        _closing_safety(p),
    )


def _report_preparation(p: _Profile) -> _Day:
    return _Day(
        "Préparation du rapport de stage et de la présentation",
        "L'élève met en forme les observations de son projet : schéma, chiffres communiqués "
        "par le tuteur, photos seulement si le site les autorise. Il vérifie ses informations "
        "auprès des salariés concernés et complète ses fiches métiers de la première semaine. "
        "Il rédige son rapport de stage et prépare un support de présentation d'une dizaine de "
        "minutes. Le tuteur relit le plan avec lui et l'aide à anticiper les questions de "
        "l'équipe.",
        "le tuteur, les salariés qui ont contribué au projet d'observation",
        f"Journée en bureau. Un dernier passage {p.floor} pour vérifier une observation se fait "
        f"avec le tuteur et les EPI du premier jour, sans accès aux machines.",
    )


def _team_presentation(p: _Profile) -> _Day:
    return _Day(
        "Présentation à l'équipe et bilan du stage",
        f"Le matin, dernière répétition avec le tuteur. L'élève présente à l'équipe son projet "
        f"d'observation et ce qu'il a appris sur les métiers {p.of_sector}, puis répond aux "
        f"questions. Le tuteur et l'équipe lui font un retour ; le tuteur remplit l'appréciation "
        f"de stage. L'élève remet son rapport de stage et l'échange se termine sur les suites "
        f"possibles : spécialités de 1re, formations, apprentissage, futurs stages.",
        "le tuteur, l'équipe qui l'a accueilli, la ou le responsable du service ou du site",
        _closing_safety(p),
    )


def _days(p: _Profile, level: Level) -> list[_Day]:
    if level is Level.TROISIEME:
        return [
            _welcome(p, level), _jobs(p), _observing(p.overview), _office(p, level),
            _week_report(p),
        ]
    return [
        _welcome(p, level), _jobs(p), _observing(p.production), _observing(p.quality),
        _first_week_review(p), _office(p, level), _future(p), _observing(p.project),
        _report_preparation(p), _team_presentation(p),
    ]


def _as_dict(day: _Day) -> dict[str, str]:
    return {key: _french_spacing(value) for key, value in day._asdict().items()}


_TEMPLATES: dict[tuple[Filiere, Level], tuple[dict[str, str], ...]] = {
    (filiere, level): tuple(_as_dict(day) for day in _days(profile, level))
    for filiere, profile in _PROFILES.items()
    for level in Level
}

TEMPLATE_TITLES: dict[tuple[Filiere, Level], str] = {
    (filiere, level): _french_spacing(
        profile.title_3e if level is Level.TROISIEME else profile.title_2nde
    )
    for filiere, profile in _PROFILES.items()
    for level in Level
}


def program_template(filiere: Filiere | str, level: Level | str) -> list[dict[str, str]]:
    """The turnkey program for `filiere` and `level`: one dict per day (title, activities,
    with_whom, safety), 5 days for 3e and 10 for 2nde. A fresh copy: callers edit it freely.
    Plain strings (form values) are accepted; an unknown one raises ValueError."""
    days = _TEMPLATES[(Filiere(filiere), Level(level))]
    return [dict(day) for day in days]


TEMPLATE_SUMMARIES: dict[tuple[Filiere, Level], str] = {
    (filiere, level): _french_spacing(
        f"{_SUMMARIES[filiere]} {_SUMMARY_FORMAT[level].format(of_sector=profile.of_sector)}"
    )
    for filiere, profile in _PROFILES.items()
    for level in Level
}


def summary_template(filiere: Filiere | str, level: Level | str) -> str:
    """The turnkey « L'offre en quelques mots » for `filiere` and `level` (80–500 characters,
    like what the wizard accepts)."""
    return TEMPLATE_SUMMARIES[(Filiere(filiere), Level(level))]
