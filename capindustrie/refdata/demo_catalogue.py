"""The demo's wider catalogue (`flask demo load`): eleven more fictional companies and eighteen
more offers over the département's industrial areas (Sénart, Marne-la-Vallée, Val d'Europe,
Melun, Fontainebleau, Nemours, Coulommiers, Mitry-Mory), so that with the five first companies
about 25 offers are published at mid-season. Plain data in the format of demo.COMPANIES and
demo.OFFERS; every company sits in a commune with at least two collèges within 5 km.
"""

from datetime import time

from capindustrie.models import Filiere, Level, SizeBand

_3E, _2NDE = (Level.TROISIEME,), (Level.SECONDE,)
DAY = (time(9, 0), time(16, 30))
SHORT_DAY = (time(9, 0), time(16, 0))
SAFETY_SHOES = "Chaussures de sécurité et lunettes prêtées ; aucune machine n'est utilisée."
OWN_LUNCH = "Salle de pause avec micro-ondes ; apporter son repas."
CANTEEN = "Restaurant d'entreprise (repas offert aux stagiaires)."

MORE_COMPANIES = [
    {
        "key": "aero", "siren": "84310275", "name": "Aéro-Composites de Sénart",
        "filiere": Filiere.AERONAUTICS, "insee": "77296",
        "address": "14 allée des Composites, ZAC de Chanteloup", "postcode": "77550",
        "size": SizeBand.MEDIUM,
        "presentation": "Fabrication de pièces d'avion en matériaux composites (carbone, "
        "résines) pour les grands avionneurs : drapage, cuisson, usinage et contrôle, 140 "
        "salariés.",
        "domain": "aero-composites-senart.example", "user": ("Yasmine", "Chevalier"),
    },
    {
        "key": "impr", "siren": "85027413", "name": "Imprimerie Numérique de Croissy",
        "filiere": Filiere.OTHER, "insee": "77146", "address": "2 allée de la Ferme",
        "postcode": "77183", "size": SizeBand.SMALL,
        "presentation": "Imprimerie d'emballages et d'étiquettes : studio graphique, presses "
        "numériques et offset, façonnage, 35 salariés.",
        "domain": "imprimerie-croissy.example", "user": ("Olivier", "Perrin"),
    },
    {
        "key": "choco", "siren": "86149320", "name": "Chocolaterie du Val de Seine",
        "filiere": Filiere.AGRI_FOOD, "insee": "77487", "address": "21 rue des Cacaoyers",
        "postcode": "77000", "size": SizeBand.SMALL,
        "presentation": "Chocolaterie qui torréfie ses fèves et fabrique tablettes et "
        "bonbons de chocolat pour toute la France, 45 salariés.",
        "domain": "chocolaterie-valdeseine.example", "user": ("Émilie", "Faure"),
    },
    {
        "key": "elec", "siren": "87261538", "name": "Électro-Systèmes du Val d'Europe",
        "filiere": Filiere.FUTURE_INDUSTRY, "insee": "77449",
        "address": "6 boulevard des Circuits", "postcode": "77700", "size": SizeBand.MEDIUM,
        "presentation": "Conception et câblage d'armoires électriques et d'automatismes pour "
        "les usines et les bâtiments, 90 salariés.",
        "domain": "electro-systemes.example", "user": ("Romain", "Gauthier"),
    },
    {
        "key": "metal", "siren": "88370146", "name": "Métallerie Nemourienne",
        "filiere": Filiere.MATERIALS, "insee": "77333", "address": "9 rue des Forges",
        "postcode": "77140", "size": SizeBand.SMALL,
        "presentation": "Atelier de métallerie et de chaudronnerie : escaliers, garde-corps et "
        "structures en acier pour l'industrie et le bâtiment, 22 salariés.",
        "domain": "metallerie-nemours.example", "user": ("Franck", "Blanchard"),
    },
    {
        "key": "cosme", "siren": "89482651", "name": "Cosmétiques de Lieusaint",
        "filiere": Filiere.HEALTH_PHARMA, "insee": "77251",
        "address": "30 avenue des Senteurs", "postcode": "77127", "size": SizeBand.MEDIUM,
        "presentation": "Laboratoire et usine de crèmes et de soins : formulation, "
        "fabrication, remplissage et contrôle qualité, 160 salariés.",
        "domain": "cosmetiques-lieusaint.example", "user": ("Laura", "Dumont"),
    },
    {
        "key": "recy", "siren": "80593762", "name": "Brie Recyclage Énergie",
        "filiere": Filiere.GREEN_ENERGY, "insee": "77131",
        "address": "4 chemin du Grand Morin", "postcode": "77120", "size": SizeBand.SMALL,
        "presentation": "Unité de méthanisation et installateur de panneaux solaires : les "
        "déchets agricoles de la Brie deviennent gaz et électricité, 30 salariés.",
        "domain": "brie-recyclage.example", "user": ("Mathieu", "Colin"),
    },
    {
        "key": "plast", "siren": "81604873", "name": "Plasturgie de Mitry",
        "filiere": Filiere.MATERIALS, "insee": "77294", "address": "17 rue de l'Injection",
        "postcode": "77290", "size": SizeBand.MEDIUM,
        "presentation": "Injection de pièces plastiques techniques pour l'automobile et la "
        "santé, avec son atelier de moules, 110 salariés.",
        "domain": "plasturgie-mitry.example", "user": ("Sandrine", "Masson"),
    },
    {
        "key": "boul", "siren": "82715984", "name": "Décolletage de Dammarie",
        "filiere": Filiere.FUTURE_INDUSTRY, "insee": "77152",
        "address": "11 rue des Tourneurs", "postcode": "77190", "size": SizeBand.SMALL,
        "presentation": "Décolletage et usinage de pièces de précision sur machines à "
        "commande numérique, avec un laboratoire de métrologie, 40 salariés.",
        "domain": "decolletage-dammarie.example", "user": ("Grégory", "Renaud"),
    },
    {
        "key": "bois", "siren": "83826095", "name": "Charpentes Durables de Fontainebleau",
        "filiere": Filiere.SUSTAINABLE_BUILDING, "insee": "77186",
        "address": "5 rue des Charpentiers", "postcode": "77300", "size": SizeBand.SMALL,
        "presentation": "Bureau d'études et atelier de charpente et d'ossature bois : "
        "maisons, écoles et gymnases en bois local, 28 salariés.",
        "domain": "charpentes-fontainebleau.example", "user": ("Aurélie", "Brun"),
    },
    {
        "key": "rail", "siren": "84937106", "name": "Maintenance Ferroviaire du Mée",
        "filiere": Filiere.FUTURE_INDUSTRY, "insee": "77285", "address": "1 rue des Ateliers",
        "postcode": "77350", "size": SizeBand.LARGE,
        "presentation": "Atelier de maintenance de trains régionaux : freins, portes, moteurs "
        "et électronique embarquée, 260 salariés.",
        "domain": "maintenance-ferroviaire.example", "user": ("Stéphane", "Arnaud"),
    },
]


def _offer(company, title, levels, periods, summary, tutor, *, hours=DAY,
           dress="Vêtements confortables et chaussures fermées.",
           protection=SAFETY_SHOES, meals=OWN_LUNCH, transport, pmr=True):
    return {
        "company": company, "title": title, "levels": levels, "periods": periods,
        "hours": hours, "summary": summary, "tutor": tutor, "dress_code": dress,
        "protective_equipment": protection, "meals": meals, "transport": transport, "pmr": pmr,
    }


MORE_OFFERS = [
    _offer(
        "aero", "Fabriquer des pièces d'avion en composite", _3E, [("jan2", 4), ("feb", 4)],
        "Suivre une pièce d'avion de la découpe des tissus de carbone à la cuisson en "
        "autoclave, puis à l'usinage et au contrôle, avec les techniciens de l'atelier.",
        ("Nicolas Garcia", "Chef d'atelier composites", "0199000601"),
        protection="Blouse, gants et lunettes fournis ; zone de drapage propre.",
        meals=CANTEEN, transport="RER D, gare de Lieusaint-Moissy, puis 10 minutes de bus.",
    ),
    _offer(
        "aero", "Contrôle non destructif des pièces aéronautiques", _2NDE, [("seconde", 2)],
        "Deux semaines au laboratoire qui contrôle chaque pièce sans l'abîmer : ultrasons, "
        "rayons X encadrés, mesures en 3D et dossiers de qualité des avionneurs.",
        ("Isabelle Fabre", "Responsable contrôle qualité", "0199000602"),
        hours=SHORT_DAY, meals=CANTEEN,
        transport="RER D, gare de Lieusaint-Moissy, puis 10 minutes de bus.",
    ),
    _offer(
        "impr", "De l'écran à la presse : les métiers de l'imprimerie", _3E,
        [("dec", 3), ("feb", 3)],
        "Voir naître un emballage : maquette au studio graphique, préparation des fichiers, "
        "impression numérique et offset, découpe et contrôle des couleurs.",
        ("Benoît Leroux", "Responsable de fabrication", "0199000701"),
        protection="Bouchons d'oreilles prêtés près des presses.",
        transport="RER A, gare de Noisiel, puis bus 211.",
    ),
    _offer(
        "choco", "Une semaine dans une chocolaterie", _3E, [("jan2", 3), ("feb", 3)],
        "De la fève au bonbon : torréfaction, broyage, tempérage, moulage et emballage, avec "
        "les chocolatiers et l'équipe qualité d'une fabrique de 45 personnes.",
        ("Marion Giraud", "Cheffe de production", "0199000801"),
        protection="Blouse, charlotte et surchaussures fournies ; pas de bijoux.",
        transport="Gare de Melun (RER D et ligne R) puis bus vers Vaux-le-Pénil.",
    ),
    _offer(
        "choco", "Maintenance des machines de conditionnement", _3E, [("jan", 2), ("feb", 2)],
        "Accompagner les techniciens qui entretiennent et dépannent les machines qui "
        "moulent, emballent et étiquettent les tablettes de chocolat.",
        ("Kevin Barbier", "Responsable maintenance", "0199000802"),
        protection="Blouse et chaussures de sécurité prêtées ; on observe, machines arrêtées.",
        transport="Gare de Melun (RER D et ligne R) puis bus vers Vaux-le-Pénil.",
    ),
    _offer(
        "elec", "Câbler et tester des armoires électriques", _3E, [("jan2", 2), ("feb", 2)],
        "Lire un schéma électrique, suivre le câblage d'une armoire d'usine et assister aux "
        "tests avant sa livraison, avec les électriciens et le bureau d'études.",
        ("Julie Mathieu", "Cheffe d'équipe câblage", "0199000901"),
        transport="RER A, gare de Val d'Europe, à 12 minutes à pied.",
    ),
    _offer(
        "elec", "Programmer un automate industriel", _2NDE, [("seconde", 2)],
        "Découvrir comment une usine est pilotée : programmation d'un automate, écrans de "
        "supervision, essais sur une maquette de convoyeur, avec les automaticiens.",
        ("David Lemaire", "Automaticien", "0199000902"),
        hours=SHORT_DAY, transport="RER A, gare de Val d'Europe, à 12 minutes à pied.",
    ),
    _offer(
        "metal", "Souder, plier, assembler : la métallerie", _3E, [("jan", 2), ("feb", 2)],
        "Observer la fabrication d'un escalier en acier, du plan à la pose : découpe, "
        "pliage, soudure par les métalliers et finitions de peinture.",
        ("Christophe Roy", "Chef d'atelier", "0199001001"),
        protection="Lunettes, bouchons d'oreilles et chaussures de sécurité prêtés ; on "
        "reste derrière les écrans de soudure.",
        transport="Gare de Nemours-Saint-Pierre (ligne R) à 15 minutes à pied.", pmr=False,
    ),
    _offer(
        "cosme", "Fabriquer une crème : de la formule au flacon", _3E, [("jan2", 4), ("feb", 4)],
        "Suivre une crème depuis le laboratoire de formulation jusqu'aux lignes de "
        "remplissage, puis au contrôle qualité qui libère chaque lot.",
        ("Sarah Fleury", "Responsable de production", "0199001101"),
        protection="Blouse, charlotte et surchaussures fournies.", meals=CANTEEN,
        transport="RER D, gare de Lieusaint-Moissy, puis 15 minutes à pied.",
    ),
    _offer(
        "cosme", "Le laboratoire de recherche en cosmétique", _2NDE, [("seconde", 1)],
        "Deux semaines avec les chimistes qui inventent les nouvelles formules : essais de "
        "texture, stabilité, tests d'efficacité et réglementation.",
        ("Lucie Vidal", "Cheffe de laboratoire", "0199001102"),
        hours=SHORT_DAY, protection="Blouse et lunettes fournies.", meals=CANTEEN,
        transport="RER D, gare de Lieusaint-Moissy, puis 15 minutes à pied.",
    ),
    _offer(
        "recy", "Transformer les déchets en énergie : la méthanisation", _3E, [("feb", 3)],
        "Comprendre comment les déchets agricoles deviennent du gaz et de l'électricité : "
        "réception, digesteurs, salle de pilotage et analyses.",
        ("Thierry Gaillard", "Responsable d'exploitation", "0199001201"),
        dress="Tenue chaude et bottes (prêtées si besoin).",
        protection="Gilet haute visibilité et détecteur de gaz portés par le tuteur ; "
        "accès aux digesteurs interdit.",
        transport="Gare de Coulommiers (ligne P) puis 10 minutes de bus.", pmr=False,
    ),
    _offer(
        "recy", "Panneaux solaires : installation et maintenance", (Level.TROISIEME,
                                                                   Level.SECONDE),
        [("jan", 2), ("seconde", 2)],
        "Préparer un chantier de panneaux solaires au bureau d'études, suivre la supervision "
        "des centrales à distance et une intervention de maintenance au sol.",
        ("Pauline Lacroix", "Chargée d'affaires", "0199001202"),
        protection="Chaussures de sécurité prêtées ; aucun travail en hauteur.",
        transport="Gare de Coulommiers (ligne P) puis 10 minutes de bus.",
    ),
    _offer(
        "plast", "Presses à injecter et moules : la plasturgie", _3E, [("dec", 3), ("feb", 3)],
        "Voir une pièce plastique naître en quelques secondes : presses à injecter, robots, "
        "atelier de moules et laboratoire de contrôle dimensionnel.",
        ("Anthony Picard", "Régleur injection", "0199001301"),
        protection="Lunettes et bouchons d'oreilles prêtés.", meals=CANTEEN,
        transport="RER B, gare de Mitry-Claye, puis 10 minutes de bus.",
    ),
    _offer(
        "boul", "Décolletage et contrôle de pièces de précision", _3E,
        [("jan2", 3), ("feb", 3)],
        "Suivre la fabrication de petites pièces de précision sur tours à commande "
        "numérique, puis leur contrôle au micron au laboratoire de métrologie.",
        ("Vincent Bourgeois", "Chef d'atelier décolletage", "0199001401"),
        transport="Gare de Melun (RER D et ligne R) puis bus vers Dammarie-les-Lys.",
    ),
    _offer(
        "boul", "Métrologie : mesurer au micron", _2NDE, [("seconde", 2)],
        "Deux semaines au laboratoire de métrologie : machines de mesure 3D, rugosimètres, "
        "rapports de contrôle et échanges avec les clients de l'aéronautique.",
        ("Céline Hubert", "Responsable métrologie", "0199001402"),
        hours=SHORT_DAY,
        transport="Gare de Melun (RER D et ligne R) puis bus vers Dammarie-les-Lys.",
    ),
    _offer(
        "bois", "Construire en bois : bureau d'études et charpente", _3E,
        [("jan2", 2), ("feb", 2)],
        "Dessiner une charpente en 3D au bureau d'études, puis voir les machines tailler les "
        "poutres et les charpentiers assembler une ossature bois.",
        ("Guillaume Morin", "Chef d'atelier charpente", "0199001501"),
        transport="Gare de Fontainebleau-Avon (ligne R) puis bus ligne 1.",
    ),
    _offer(
        "bois", "Du plan au chantier : la construction durable", _2NDE, [("seconde", 2)],
        "Suivre un projet de bâtiment en bois : études thermiques, préfabrication en atelier "
        "et visite d'un chantier encadrée par le conducteur de travaux.",
        ("Élise Carpentier", "Conductrice de travaux", "0199001502"),
        hours=SHORT_DAY, protection="Casque, gilet et chaussures de sécurité prêtés.",
        transport="Gare de Fontainebleau-Avon (ligne R) puis bus ligne 1.",
    ),
    _offer(
        "rail", "Entretenir des trains : l'atelier de maintenance", _3E,
        [("jan2", 4), ("feb", 4)],
        "Découvrir l'atelier où les trains régionaux sont révisés : freins, portes, moteurs "
        "et électronique, et le poste qui organise les interventions.",
        ("Frédéric Noël", "Responsable d'atelier", "0199001601"),
        protection="Gilet haute visibilité, casque et chaussures de sécurité prêtés ; "
        "circulation accompagnée uniquement.",
        meals=CANTEEN, transport="Gare du Mée (ligne R) à 8 minutes à pied.",
    ),
]
