#include "bench/title_corpus.h"

#include <array>
#include <set>
#include <string_view>
#include <utility>

#include "bench/title_vocab.h"
#include "core/fold.h"

namespace lexwatch::bench {

std::uint64_t Rng::Next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::size_t Rng::Skewed(std::size_t n) {
  double u = Unit();
  return static_cast<std::size_t>(u * u * static_cast<double>(n));
}

namespace {

// Two thirds of the generated words appear in titles; rule writers use all
// of them.
std::vector<std::string> TwoInThree(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i % 3 < 2) out.push_back(words[i]);
  }
  return out;
}

// The lists the templates draw from, built once.
struct Fillers {
  std::vector<std::string> substances = TwoInThree(Substances());
  std::vector<std::string> origins = OriginNames();
  std::vector<std::string> compounds = TwoInThree(NorwegianCompounds());
};

const Fillers& TitleFillers() {
  static const Fillers kFillers;
  return kFillers;
}

std::string Num(std::size_t n) { return std::to_string(n); }

std::string Year(Rng& rng) { return Num(2015 + rng.Below(12)); }

std::string ActNumber(Rng& rng) {
  return Year(rng) + "/" + Num(1 + rng.Skewed(3200));
}

std::string EnglishDate(Rng& rng) {
  static const std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return Num(1 + rng.Below(28)) + " " + kMonths[rng.Below(12)] + " " +
         Year(rng);
}

std::string NorwegianDate(Rng& rng) {
  static const std::array<const char*, 12> kMonths = {
      "januar", "februar", "mars",      "april",   "mai",      "juni",
      "juli",   "august",  "september", "oktober", "november", "desember"};
  return Num(1 + rng.Below(28)) + ". " + kMonths[rng.Below(12)] + " " +
         Year(rng);
}

std::string Subject(Rng& rng) { return rng.Pick(EnglishSubjects()); }

std::string NorwegianSubject(Rng& rng) {
  const auto& c = TitleFillers().compounds;
  switch (rng.Below(4)) {
    case 0:
      return NorwegianTopics()[rng.Below(NorwegianTopics().size())];
    case 1:
      return c[rng.Skewed(c.size())] + " og " + c[rng.Skewed(c.size())];
    case 2:
      return "krav til " + c[rng.Skewed(c.size())] + " i " +
             c[rng.Skewed(c.size())];
    default:
      return c[rng.Skewed(c.size())] + " for " + c[rng.Skewed(c.size())];
  }
}

std::string AmendingTail(Rng& rng) {
  switch (rng.Below(4)) {
    case 0:
      return ", amending Directive (EU) " + ActNumber(rng) +
             " and repealing Regulation (EU) No " + Num(100 + rng.Below(900)) +
             "/" + Year(rng);
    case 1:
      return " and amending Regulation (EU) " + ActNumber(rng);
    case 2:
      return " (recast)";
    default:
      return "";
  }
}

std::string EeaTail(Rng& rng) {
  return rng.Chance(0.6) ? " (Text with EEA relevance)" : "";
}

std::string AntiDumping(Rng& rng) {
  const auto& countries = Countries();
  std::string origin = countries[rng.Skewed(countries.size())];
  if (rng.Chance(0.3)) {
    origin += " and " + countries[rng.Skewed(countries.size())];
  }
  std::string title =
      "Commission Implementing Regulation (EU) " + ActNumber(rng) + " of " +
      EnglishDate(rng) +
      (rng.Chance(0.7) ? " imposing a definitive" : " imposing a provisional") +
      " anti-dumping duty on imports of " +
      Products()[rng.Skewed(Products().size())] + " originating in " + origin;
  if (rng.Chance(0.4)) {
    title +=
        " following an expiry review pursuant to Article 11(2) of "
        "Regulation (EU) 2016/1036 of the European Parliament and of the "
        "Council";
  }
  return title;
}

std::string ResidueLevels(Rng& rng) {
  const auto& s = TitleFillers().substances;
  std::string list = s[rng.Below(s.size())];
  for (std::size_t i = rng.Below(4); i > 0; --i) {
    list += ", " + s[rng.Below(s.size())];
  }
  return "Commission Regulation (EU) " + ActNumber(rng) + " of " +
         EnglishDate(rng) +
         " amending Annexes II and III to Regulation (EC) No 396/2005 of the "
         "European Parliament and of the Council as regards maximum residue "
         "levels for " +
         list + " and " + s[rng.Below(s.size())] + " in or on certain products";
}

std::string FeedAdditive(Rng& rng) {
  const auto& s = TitleFillers().substances;
  return "Commission Implementing Regulation (EU) " + ActNumber(rng) + " of " +
         EnglishDate(rng) + " concerning the authorisation of " +
         s[rng.Below(s.size())] + " as a feed additive for " +
         AnimalGroups()[rng.Below(AnimalGroups().size())] +
         " (holder of authorisation: " +
         TitleFillers().origins[rng.Below(TitleFillers().origins.size())] +
         " GmbH)";
}

std::string Origin(Rng& rng) {
  const auto& o = TitleFillers().origins;
  return "Commission Implementing Regulation (EU) " + ActNumber(rng) + " of " +
         EnglishDate(rng) +
         " entering a name in the register of protected designations of "
         "origin and protected geographical indications (\u2018" +
         o[rng.Below(o.size())] + " " + o[rng.Below(o.size())] + "\u2019 (" +
         (rng.Chance(0.5) ? "PDO" : "PGI") + "))";
}

std::string Sanctions(Rng& rng) {
  return "Council Implementing Regulation (EU) " + ActNumber(rng) + " of " +
         EnglishDate(rng) + " implementing Regulation (EU) No " +
         Num(100 + rng.Below(900)) + "/" + Year(rng) +
         " concerning restrictive measures in view of " +
         Situations()[rng.Below(Situations().size())];
}

std::string SubjectAct(Rng& rng) {
  const char* kind = rng.Chance(0.5) ? "Directive (EU) " : "Regulation (EU) ";
  return kind + ActNumber(rng) +
         " of the European Parliament and of the Council of " +
         EnglishDate(rng) + " on " + Subject(rng) + AmendingTail(rng) +
         EeaTail(rng);
}

std::string EeaDecision(Rng& rng) {
  return "Decision of the EEA Joint Committee No " + Num(1 + rng.Below(320)) +
         "/" + Year(rng) + " of " + EnglishDate(rng) + " amending Annex " +
         EeaAnnexes()[rng.Below(EeaAnnexes().size())] +
         " to the EEA Agreement [" + ActNumber(rng) + "]";
}

std::string CouncilPosition(Rng& rng) {
  return "Council Decision (EU) " + ActNumber(rng) + " of " + EnglishDate(rng) +
         " on the position to be taken on behalf of the European Union "
         "within the " +
         Committees()[rng.Below(Committees().size())] + " as regards " +
         Subject(rng);
}

std::string Delegated(Rng& rng) {
  return std::string(rng.Chance(0.5)
                         ? "Commission Delegated Regulation (EU) "
                         : "Commission Implementing Decision (EU) ") +
         ActNumber(rng) + " of " + EnglishDate(rng) +
         " supplementing Regulation (EU) " + ActNumber(rng) +
         " of the European Parliament and of the Council with regard to " +
         Subject(rng) + EeaTail(rng);
}

std::string Proposal(Rng& rng) {
  return std::string(rng.Chance(0.5) ? "Proposal for a REGULATION"
                                     : "Proposal for a DIRECTIVE") +
         " OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL on " + Subject(rng) +
         AmendingTail(rng);
}

std::string Corrigendum(Rng& rng) {
  return "Corrigendum to Commission Implementing Regulation (EU) " +
         ActNumber(rng) + " of " + EnglishDate(rng) +
         " laying down rules for " + Subject(rng);
}

std::string Norwegian(Rng& rng) {
  switch (rng.Below(4)) {
    case 0:
      return "Kommisjonens gjennomføringsforordning (EU) " + ActNumber(rng) +
             " av " + NorwegianDate(rng) + " om " + NorwegianSubject(rng) +
             " (EØS-relevant tekst)";
    case 1:
      return "Europaparlaments- og rådsdirektiv (EU) " + ActNumber(rng) +
             " av " + NorwegianDate(rng) + " om " + NorwegianSubject(rng) +
             " og om endring av direktiv 2008/98/EF";
    case 2:
      return "EØS-komiteens beslutning nr. " + Num(1 + rng.Below(320)) + "/" +
             Year(rng) + " av " + NorwegianDate(rng) +
             " om endring av EØS-avtalens vedlegg " +
             NorwegianAnnexes()[rng.Below(NorwegianAnnexes().size())];
    default:
      return "Høring \u2013 forslag til forskrift om endring i forskrift om " +
             NorwegianSubject(rng) + " og " + NorwegianSubject(rng);
  }
}

using Template = std::string (*)(Rng&);

// Shares follow the mix of the OJ L series, where routine acts (duties,
// residues, additives, names, sanctions) far outnumber the ones that
// matter to a municipality.
struct Weighted {
  int weight;
  Template make;
};
constexpr std::array<Weighted, 12> kTemplates = {{
    {12, AntiDumping},
    {8, ResidueLevels},
    {8, FeedAdditive},
    {7, Origin},
    {7, Sanctions},
    {18, SubjectAct},
    {8, EeaDecision},
    {6, CouncilPosition},
    {6, Delegated},
    {5, Proposal},
    {12, Norwegian},
    {3, Corrigendum},
}};

std::string MakeTitle(Rng& rng, bool* norwegian) {
  int total = 0;
  for (const Weighted& t : kTemplates) total += t.weight;
  int roll = static_cast<int>(rng.Below(static_cast<std::size_t>(total)));
  for (const Weighted& t : kTemplates) {
    if (roll < t.weight) {
      *norwegian = t.make == Norwegian;
      return t.make(rng);
    }
    roll -= t.weight;
  }
  return AntiDumping(rng);  // Not reached.
}

bool IsStopword(std::string_view folded) {
  static const std::set<std::string, std::less<>> kStopwords = {
      "a",    "and", "as",   "at",     "av",    "by",      "for",
      "from", "i",   "in",   "into",   "its",   "of",      "og",
      "om",   "on",  "or",   "other",  "s",     "the",     "their",
      "to",   "til", "with", "within", "under", "certain", "new"};
  return kStopwords.count(folded) > 0;
}

// Strips the punctuation that surrounds words in the fillers.
std::string_view TrimPunctuation(std::string_view word) {
  constexpr std::string_view kPunct = "()[],;:'/";
  while (!word.empty() && kPunct.find(word.front()) != kPunct.npos) {
    word.remove_prefix(1);
  }
  while (!word.empty() && kPunct.find(word.back()) != kPunct.npos) {
    word.remove_suffix(1);
  }
  return word;
}

void AddWords(const std::string& phrase, std::set<std::string>* seen,
              std::vector<std::string>* words) {
  std::size_t start = 0;
  while (start < phrase.size()) {
    std::size_t end = phrase.find(' ', start);
    if (end == std::string::npos) end = phrase.size();
    std::string_view word =
        TrimPunctuation(std::string_view(phrase).substr(start, end - start));
    start = end + 1;
    std::string folded = FoldForMatch(word);
    if (word.size() < 2 || IsStopword(folded)) continue;
    if (word.find_first_of("/'()") != std::string_view::npos) continue;
    if (seen->insert(folded).second) words->emplace_back(word);
  }
}

constexpr std::uint64_t kCalibrationSeed = 7;
constexpr int kCalibrationTitles = 4000;
// Words in more than this share of titles are formula words ("European",
// "Council", "Annex") and are not offered to rule writers.
constexpr double kMaxWordShare = 0.004;

std::string JoinTokens(const std::vector<Token>& tokens, std::size_t begin,
                       std::size_t end) {
  std::string key;
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) key.push_back(' ');
    key.append(tokens[i].text);
  }
  return key;
}

void CountNgrams(Vocabulary* v) {
  for (const Item& item : MakeItems(kCalibrationTitles, kCalibrationSeed)) {
    std::vector<Token> tokens = Tokenize(item.title);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      for (std::size_t n = 1; n <= 3 && i + n <= tokens.size(); ++n) {
        seen.insert(JoinTokens(tokens, i, i + n));
      }
    }
    for (const std::string& key : seen) ++v->ngram_titles[key];
    for (const Token& token : tokens) ++v->word_titles[token.text];
  }
  v->sample_titles = kCalibrationTitles;
}

double Share(const Vocabulary& v, std::string_view term) {
  const bool prefix = term.ends_with('*');
  if (prefix) term.remove_suffix(1);
  std::vector<Token> tokens = Tokenize(term);
  if (prefix && tokens.size() == 1) {
    int titles = 0;
    for (auto it = v.word_titles.lower_bound(tokens[0].text);
         it != v.word_titles.end() && it->first.starts_with(tokens[0].text);
         ++it) {
      titles += it->second;
    }
    return static_cast<double>(titles) / v.sample_titles;
  }
  auto it = v.ngram_titles.find(JoinTokens(tokens, 0, tokens.size()));
  if (it == v.ngram_titles.end()) return 0;
  return static_cast<double>(it->second) / v.sample_titles;
}

Vocabulary BuildVocabulary() {
  Vocabulary v;
  CountNgrams(&v);
  for (const auto* list :
       {&EnglishSubjects(), &Products(), &Countries(), &EeaAnnexes(),
        &NorwegianAnnexes(), &Situations(), &AnimalGroups(), &Committees(),
        &NorwegianTopics()}) {
    v.phrases.insert(v.phrases.end(), list->begin(), list->end());
  }
  std::set<std::string> seen;
  for (const std::string& phrase : v.phrases) {
    AddWords(phrase, &seen, &v.words);
  }
  for (const auto& list : {Substances(), OriginNames(), NorwegianCompounds()}) {
    for (const std::string& word : list) AddWords(word, &seen, &v.words);
  }
  std::erase_if(v.words, [&](const std::string& word) {
    return Share(v, word) > kMaxWordShare;
  });
  v.exclusions = Exclusions();
  return v;
}

}  // namespace

const Vocabulary& BenchVocabulary() {
  static const Vocabulary kVocabulary = BuildVocabulary();
  return kVocabulary;
}

double TitleShare(std::string_view term) {
  return Share(BenchVocabulary(), term);
}

std::vector<Item> MakeItems(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Item> items;
  items.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Item item;
    bool norwegian = false;
    item.source = "bench";
    item.title = MakeTitle(rng, &norwegian);
    item.language = norwegian ? "nb" : "en";
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace lexwatch::bench
