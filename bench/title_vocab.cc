// Word lists for the benchmark corpus, taken from the language of EUR-Lex
// titles (tests/data/fixtures, samples/ and the Official Journal L series)
// and of Norwegian EEA material. Lists that real titles draw from a large
// open set (substances, product names, designations of origin, Norwegian
// compounds) are generated from parts, so the vocabulary reaches a few
// thousand distinct words as a real archive does.
#include "bench/title_vocab.h"

#include <array>

namespace lexwatch::bench {
namespace {

std::vector<std::string> Combine(const std::vector<std::string>& heads,
                                 const std::vector<std::string>& tails,
                                 const std::string& glue) {
  std::vector<std::string> out;
  for (const std::string& head : heads) {
    for (const std::string& tail : tails) out.push_back(head + glue + tail);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& EnglishSubjects() {
  static const std::vector<std::string> kList = {
      "the energy performance of buildings",
      "urban wastewater treatment",
      "the quality of water intended for human consumption",
      "ambient air quality and cleaner air for Europe",
      "nature restoration",
      "the deployment of alternative fuels infrastructure",
      "corporate sustainability due diligence",
      "the protection of the environment through criminal law",
      "fluorinated greenhouse gases",
      "packaging and packaging waste",
      "batteries and waste batteries",
      "the management of bathing water quality",
      "the assessment and management of flood risks",
      "public procurement",
      "the award of concession contracts",
      "procurement by entities operating in the water, energy, transport and "
      "postal services sectors",
      "combating late payment in commercial transactions",
      "the accounting of greenhouse gas emissions of transport services",
      "Union guidelines for the development of the trans-European transport "
      "network",
      "the promotion of clean and energy-efficient road transport vehicles",
      "the framework for the deployment of intelligent transport systems",
      "rail passengers' rights and obligations",
      "the interoperability of the rail system within the European Union",
      "periodic roadworthiness tests for motor vehicles and their trailers",
      "driving licences",
      "the reduction of the impact of certain plastic products on the "
      "environment",
      "waste electrical and electronic equipment",
      "the landfill of waste",
      "circularity requirements for vehicle design and management of "
      "end-of-life vehicles",
      "a framework for setting ecodesign requirements for sustainable "
      "products",
      "energy efficiency",
      "the promotion of the use of energy from renewable sources",
      "common rules for the internal markets for renewable gas, natural gas "
      "and hydrogen",
      "the governance of the Energy Union and Climate Action",
      "soil monitoring and resilience",
      "the conservation of natural habitats and of wild fauna and flora",
      "the assessment of the effects of certain public and private projects "
      "on the environment",
      "the assessment of the effects of certain plans and programmes on the "
      "environment",
      "environmental quality standards in the field of water policy",
      "the protection of groundwater against pollution and deterioration",
      "minimum requirements for water reuse",
      "harmonised rules for the marketing of construction products",
      "the accessibility requirements for products and services",
      "the registration, evaluation, authorisation and restriction of "
      "chemicals",
      "persistent organic pollutants",
      "the classification, labelling and packaging of substances and "
      "mixtures",
      "industrial emissions (integrated pollution prevention and control)",
      "the limitation of emissions of certain pollutants into the air from "
      "medium combustion plants",
      "the assessment and management of environmental noise",
      "measures for a high common level of cybersecurity across the Union",
      "harmonised rules on artificial intelligence",
      "the European Health Data Space",
      "open data and the re-use of public sector information",
      "electronic invoicing in public procurement",
      "the transparency and targeting of political advertising",
      "organic production and labelling of organic products",
      "the protection of animals during transport and related operations",
      "official controls and other official activities",
      "the placing of plant protection products on the market",
      "the coordination of social security systems",
      "adequate minimum wages in the European Union",
      "common rules promoting the repair of goods",
      "the labelling of tyres with respect to fuel efficiency",
      "CO2 emission performance standards for new passenger cars and for new "
      "light commercial vehicles",
      "the charging of heavy goods vehicles for the use of certain "
      "infrastructures",
      "port reception facilities for the delivery of waste from ships",
      "the resilience of critical entities",
      "a framework for the screening of foreign direct investments into the "
      "Union",
      "foreign subsidies distorting the internal market",
      "the access of third-country economic operators to the Union's public "
      "procurement market",
      "a Union Civil Protection Mechanism",
      "the Recovery and Resilience Facility",
      "the Just Transition Fund",
      "the European Regional Development Fund and the Cohesion Fund",
      "the Connecting Europe Facility",
      "the Programme for the Environment and Climate Action (LIFE)",
      "a system for greenhouse gas emission allowance trading within the "
      "Union",
      "the inclusion of greenhouse gas emissions and removals from land use, "
      "land use change and forestry",
      "binding annual greenhouse gas emission reductions by Member States",
      "a carbon border adjustment mechanism",
      "the Social Climate Fund",
      "the reduction of methane emissions in the energy sector",
      "the monitoring of forests and forest resilience",
      "substantiation and communication of explicit environmental claims",
      "empowering consumers for the green transition",
      "the prevention of plastic pellet losses to reduce microplastic "
      "pollution",
      "the reduction of food waste and textile waste",
      "the management of the external borders of the Member States",
      "the European statistics on population and housing",
      "the conditions for the marketing of seed potatoes",
      "the approval and market surveillance of motor vehicles",
      "the type-approval of motor vehicles with respect to their emissions "
      "(Euro 7)",
      "the safety of toys",
      "detergents and surfactants",
      "the general product safety",
      "a framework of measures for strengthening the Union's net-zero "
      "technology products manufacturing ecosystem",
      "ensuring a secure and sustainable supply of critical raw materials",
      "the European Maritime Safety Agency",
      "the use of renewable and low-carbon fuels in maritime transport",
      "ensuring a level playing field for sustainable air transport",
      "common rules for the operation of air services in the Community",
      "the rights of passengers in bus and coach transport",
      "the establishment of a framework for the social economy",
      "the collection of data on the economic situation of farms",
      "the promotion of the circular economy in public buildings",
      "the provision of state aid for broadband networks",
      "services of general economic interest and de minimis aid",
      "the application of Articles 107 and 108 of the Treaty to de minimis "
      "aid",
      "certain categories of aid compatible with the internal market",
      "regional aid maps for the period 2022-2027",
      "climate, energy and environmental aid",
      "the award of public service contracts for passenger transport",
      "urban mobility and urban nodes",
      "the quality of petrol and diesel fuels",
      "the noise emissions of outdoor equipment",
      "the protection of workers from the risks related to exposure to "
      "asbestos at work",
      "the reporting of environmental data from industrial installations",
      "the energy labelling of space heaters and water heaters",
      "flood risk management plans and drought management",
      "the reuse of treated wastewater for agricultural irrigation",
      "the sustainable use of pesticides",
      "the monitoring and reporting of marine litter",
      "municipal waste statistics",
  };
  return kList;
}

const std::vector<std::string>& Products() {
  static const std::vector<std::string> kList = {
      "biodiesel",
      "oxalic acid",
      "certain hot-rolled flat products of iron, non-alloy or other alloy "
      "steel",
      "ceramic tableware and kitchenware",
      "aluminium foil in rolls",
      "certain woven and/or stitched glass fibre fabrics",
      "electric bicycles",
      "monosodium glutamate",
      "stainless steel cold-rolled flat products",
      "tartaric acid",
      "epoxy resins",
      "titanium dioxide",
      "certain iron or steel fasteners",
      "certain grain-oriented flat-rolled products of silicon-electrical "
      "steel",
      "polyethylene terephthalate (PET)",
      "sweetcorn in kernels",
      "citric acid",
      "solar glass",
      "certain aluminium road wheels",
      "ferro-silicon",
      "melamine",
      "glyoxylic acid",
      "optical fibre cables",
      "birch plywood",
      "sodium gluconate",
      "seamless pipes and tubes of iron or steel",
      "welded tubes, pipes and hollow profiles",
      "mobile access equipment",
      "vanillin",
      "erythritol",
      "aspartame",
      "lysine",
      "barium carbonate",
      "silicon metal",
      "mono ethylene glycol",
      "graphite electrode systems",
      "steel ropes and cables",
      "corrosion resistant steels",
      "ceramic tiles",
      "fatty alcohols and their blends",
      "polyvinyl alcohols",
      "trichloroisocyanuric acid",
      "pentaerythritol",
      "sulphanilic acid",
      "peroxosulphates",
      "hand pallet trucks and their essential parts",
      "wire rod",
      "tubes and pipes of ductile cast iron",
      "lightweight thermal paper",
      "coated fine paper",
      "bicycles",
      "tungsten electrodes",
      "kraft paper",
      "heavyweight thermal paper",
      "plastic kitchenware",
      "prepared or preserved citrus fruits",
      "ammonium nitrate",
      "urea and ammonium nitrate mixtures",
      "rainbow trout",
      "silicon carbide",
      "magnesia bricks",
      "crystalline silicon photovoltaic modules",
      "wind turbine towers",
      "lithium-ion battery cells",
      "styrene-butadiene rubber",
      "adipic acid",
      "polyamide yarns",
      "aramid fibres",
  };
  return kList;
}

const std::vector<std::string>& Countries() {
  static const std::vector<std::string> kList = {
      "the People's Republic of China",
      "India",
      "Indonesia",
      "Malaysia",
      "Türkiye",
      "Egypt",
      "the Republic of Korea",
      "Taiwan",
      "Viet Nam",
      "Thailand",
      "Russia",
      "Belarus",
      "Ukraine",
      "Brazil",
      "Argentina",
      "the United States of America",
      "Japan",
      "Saudi Arabia",
      "Oman",
      "Mexico",
      "Morocco",
      "Tunisia",
      "Pakistan",
      "Bangladesh",
      "Sri Lanka",
      "the Philippines",
      "Cambodia",
      "Laos",
      "Kazakhstan",
      "Uzbekistan",
      "Georgia",
      "Armenia",
      "Azerbaijan",
      "Moldova",
      "Serbia",
      "Bosnia and Herzegovina",
      "Montenegro",
      "North Macedonia",
      "Albania",
      "Iceland",
      "Norway",
      "Liechtenstein",
      "Switzerland",
      "Canada",
      "Australia",
      "New Zealand",
      "Chile",
      "Peru",
      "Colombia",
      "Ecuador",
      "South Africa",
      "Nigeria",
      "Kenya",
      "Senegal",
      "Mauritania",
      "Côte d'Ivoire",
      "Gabon",
      "Madagascar",
      "Mozambique",
      "Seychelles",
      "Mauritius",
      "Cabo Verde",
      "Guinea-Bissau",
      "the Gambia",
      "São Tomé and Príncipe",
      "the Cook Islands",
      "Kiribati",
      "Greenland",
      "the Faroe Islands",
      "Israel",
      "Jordan",
      "Lebanon",
      "Syria",
      "Iran",
      "Iraq",
      "Libya",
      "Mali",
      "Niger",
      "Sudan",
      "South Sudan",
      "Somalia",
      "Yemen",
      "Myanmar/Burma",
      "Afghanistan",
      "Haiti",
      "Venezuela",
      "Nicaragua",
      "Guatemala",
      "Zimbabwe",
  };
  return kList;
}

std::vector<std::string> Substances() {
  return Combine({"aceta", "azoxy",  "bifen", "chlor",   "cyper", "difeno",
                  "fluo",  "flupy",  "imaz",  "metal",   "propi", "tebu",
                  "thia",  "triflo", "pyra",  "benz",    "cyazo", "dimeth",
                  "fenpy", "spiro",  "mandi", "prothio", "penco", "isopy"},
                 {"strobin", "pyram", "conazole", "methrin", "amid", "mectin",
                  "famid", "oxam", "clopid", "zinate", "dione", "carb",
                  "fenone", "phos", "sulfuron", "tetramat"},
                 "");
}

std::vector<std::string> OriginNames() {
  static const std::array<const char*, 24> kSyllables = {
      "kis", "sou", "ri",  "mel", "ta", "vo",  "lan", "ca",
      "ber", "gu",  "ne",  "sa",  "to", "pe",  "lo",  "dra",
      "mi",  "ze",  "qua", "fio", "ro", "sel", "bu",  "ta"};
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kSyllables.size(); ++i) {
    for (std::size_t j = 0; j < kSyllables.size(); j += 2) {
      std::string name = std::string(kSyllables[i]) + kSyllables[j] +
                         kSyllables[(i + j) % kSyllables.size()];
      name[0] = static_cast<char>(name[0] - 'a' + 'A');
      names.push_back(std::move(name));
    }
  }
  return names;
}

std::vector<std::string> NorwegianCompounds() {
  return Combine(
      {"vann",          "avløps",       "overvanns", "drikkevanns",
       "bygge",         "areal",        "plan",      "regulerings",
       "støtte",        "anskaffelses", "anbuds",    "konkurranse",
       "transport",     "vei",          "jernbane",  "kollektiv",
       "sykkel",        "energi",       "klima",     "miljø",
       "avfalls",       "luft",         "støy",      "natur",
       "skog",          "fiske",        "landbruks", "havne",
       "forurensnings", "kjemikalie",   "utslipps",  "flom",
       "grunnvanns",    "helse",        "arbeids",   "trafikk",
       "parkerings",    "bolig",        "eiendoms",  "kommune"},
      {"forsyning",  "forvaltning", "direktiv",  "forskrift",  "plan",
       "kvalitet",   "krav",        "ordning",   "tiltak",     "område",
       "rapport",    "tilsyn",      "sikkerhet", "regelverk",  "avgift",
       "register",   "kontroll",    "beredskap", "strategi",   "utvikling",
       "behandling", "nett",        "anlegg",    "standard",   "verk",
       "politikk",   "vurdering",   "merking",   "gebyr",      "lov",
       "søknad",     "program",     "marked",    "statistikk", "utredning"},
      "");
}

const std::vector<std::string>& EeaAnnexes() {
  static const std::vector<std::string> kList = {
      "I (Veterinary and phytosanitary matters)",
      "II (Technical regulations, standards, testing and certification)",
      "IV (Energy)",
      "IX (Financial services)",
      "XI (Electronic communication, audiovisual services and information "
      "society)",
      "XIII (Transport)",
      "XV (State aid)",
      "XVI (Procurement)",
      "XVIII (Health and safety at work, labour law, and equal treatment for "
      "men and women)",
      "XX (Environment)",
      "XXI (Statistics)",
      "XXII (Company law)",
  };
  return kList;
}

const std::vector<std::string>& NorwegianAnnexes() {
  static const std::vector<std::string> kList = {
      "I (Veterinære og plantesanitære forhold)",
      "II (Tekniske forskrifter, standarder, prøving og sertifisering)",
      "IV (Energi)",
      "XIII (Transport)",
      "XV (Statsstøtte)",
      "XVI (Offentlige innkjøp)",
      "XX (Miljø)",
      "XXI (Statistikk)",
  };
  return kList;
}

const std::vector<std::string>& Situations() {
  static const std::vector<std::string> kList = {
      "Russia's actions destabilising the situation in Ukraine",
      "the situation in Libya",
      "the situation in Mali",
      "the situation in Syria",
      "the situation in Myanmar/Burma",
      "serious human rights violations and abuses",
      "cyber-attacks threatening the Union or its Member States",
      "the proliferation and use of chemical weapons",
      "Iran's military support to Russia's war of aggression against Ukraine",
      "the situation in Belarus and the involvement of Belarus in the Russian "
      "aggression against Ukraine",
      "destabilising activities of Russia",
      "the situation in the Democratic Republic of the Congo",
      "the situation in Sudan",
      "actions undermining or threatening the sovereignty of Moldova",
  };
  return kList;
}

const std::vector<std::string>& AnimalGroups() {
  static const std::vector<std::string> kList = {
      "all animal species",
      "chickens for fattening and chickens reared for laying",
      "weaned piglets",
      "dairy cows and other dairy ruminants",
      "cats and dogs",
      "turkeys for fattening",
      "salmonids",
      "all poultry species for fattening",
      "pigs for fattening",
      "ornamental fish",
      "horses",
      "calves for rearing",
  };
  return kList;
}

const std::vector<std::string>& Committees() {
  static const std::vector<std::string> kList = {
      "EEA Joint Committee",
      "Joint Committee established by the Agreement on the European Economic "
      "Area",
      "International Maritime Organization",
      "Codex Alimentarius Commission",
      "Specialised Committee on Energy",
      "Association Council set up by the Euro-Mediterranean Agreement",
      "Committee of the Regions",
      "Central Commission for the Navigation of the Rhine",
      "World Trade Organization",
      "Commission for the Conservation of Antarctic Marine Living Resources",
      "Joint Committee established under the Agreement on the Withdrawal",
      "International Civil Aviation Organization",
  };
  return kList;
}

const std::vector<std::string>& NorwegianTopics() {
  static const std::vector<std::string> kList = {
      "vannforsyning og avløp",
      "offentlige anskaffelser",
      "statsstøtte til kommunale tjenester",
      "tjenester av allmenn økonomisk betydning",
      "plan- og bygningsloven",
      "byggteknisk forskrift (TEK17)",
      "energiytelse i bygninger",
      "rensing av avløpsvann fra tettbebyggelse",
      "kvaliteten på drikkevann",
      "forvaltning av badevann",
      "vurdering og håndtering av flomrisiko",
      "kollektivtransport og bymiljøavtaler",
      "utslipp av klimagasser fra transport",
      "avfall og sirkulær økonomi",
      "naturrestaurering",
      "luftkvalitet og renere luft i Europa",
      "konsekvensutredninger etter plan- og bygningsloven",
      "forsinket betaling i handelstransaksjoner",
  };
  return kList;
}

const std::vector<std::string>& Exclusions() {
  static const std::vector<std::string> kList = {
      "anti-dumping",
      "anti-subsidy",
      "restrictive measures",
      "Union waters",
      "fishing opportunities",
      "feed additive*",
      "maximum residue levels",
      "protected designations of origin",
      "common procurement",
      "defence industry",
      "fish stocks",
      "active substance*",
      "Committee of the Regions",
      "Corrigendum",
      "third countries"};
  return kList;
}

}  // namespace lexwatch::bench
