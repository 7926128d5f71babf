#ifndef LEXWATCH_BENCH_TITLE_VOCAB_H_
#define LEXWATCH_BENCH_TITLE_VOCAB_H_

#include <string>
#include <vector>

namespace lexwatch::bench {

// Fillers for the title templates in title_corpus.cc, as they are written
// in titles. Each list is the same on every call.
const std::vector<std::string>& EnglishSubjects();
const std::vector<std::string>& Products();  // Of anti-dumping duties.
const std::vector<std::string>& Countries();
std::vector<std::string> Substances();   // Pesticides, feed additives.
std::vector<std::string> OriginNames();  // Designations of origin.
std::vector<std::string> NorwegianCompounds();
const std::vector<std::string>& EeaAnnexes();        // "XX (Environment)".
const std::vector<std::string>& NorwegianAnnexes();  // "XX (Miljø)".
const std::vector<std::string>& Situations();        // Of sanctions.
const std::vector<std::string>& AnimalGroups();      // Of feed additives.
const std::vector<std::string>& Committees();
const std::vector<std::string>& NorwegianTopics();
// Terms rule writers typically put under `none`.
const std::vector<std::string>& Exclusions();

}  // namespace lexwatch::bench

#endif  // LEXWATCH_BENCH_TITLE_VOCAB_H_
