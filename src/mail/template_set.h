#ifndef LEXWATCH_MAIL_TEMPLATE_SET_H_
#define LEXWATCH_MAIL_TEMPLATE_SET_H_

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lexwatch::mail {

struct ParsedTemplate;  // template_internal.h

// The mail templates an administrator can edit: for each language (nb, en)
// a directory <dir>/<lang>/ holding the subject, text and HTML templates of
// the single alert and of the digest (alert.subject.mustache,
// alert.txt.mustache, alert.html.mustache, digest.*), and partials, whose
// file names start with "_" ("_facts.html.mustache" is {{> facts.html}}).
// Loaded once (at start-up and SIGHUP reload), then immutable; rendering is
// safe from any thread.
class TemplateSet {
 public:
  // The languages every set has, the first being the default.
  static const std::vector<std::string>& Languages();

  // Reads, parses and test-renders every template with a sample alert and
  // digest. On failure, InvalidArgument whose message holds one line per
  // problem: "path:line:col: message" (or "path: message"), naming syntax
  // errors, unreadable or missing files, unknown partials and variables the
  // renderer does not provide.
  static Result<std::shared_ptr<const TemplateSet>> Load(
      const std::filesystem::path& dir);

  // The set shipped in config/templates, compiled in: used when a caller
  // passes no set (tests, tools). Identical to the files (a test checks).
  static const TemplateSet& BuiltIn();

  ~TemplateSet();

  // Internal to src/mail: template_internal.h.
  const ParsedTemplate* Find(std::string_view lang,
                             std::string_view name) const;
  const std::string* Partial(std::string_view lang,
                             std::string_view name) const;
  std::mutex& render_mutex() const { return mutex_; }

 private:
  TemplateSet() = default;
  friend struct TemplateSetBuilder;

  // lang -> template name ("alert.html") -> parsed template.
  std::map<std::string,
           std::map<std::string, std::unique_ptr<ParsedTemplate>, std::less<>>,
           std::less<>>
      templates_;
  // lang -> partial name ("facts.html") -> source.
  std::map<std::string, std::map<std::string, std::string, std::less<>>,
           std::less<>>
      partials_;
  // Held by renders of templates whose partials the library parses while
  // rendering (ParsedTemplate::runtime_partials); other renders only read.
  mutable std::mutex mutex_;
};

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_TEMPLATE_SET_H_
