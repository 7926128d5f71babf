// TemplateSet: loading, validating and rendering the mail templates.

#include "mail/template_set.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "mail/mime.h"
#include "mail/template_internal.h"

namespace lexwatch::mail {

namespace fs = std::filesystem;

namespace {

constexpr char kSuffix[] = ".mustache";
// Marks a blank line to keep; removed from the output. Never in view text:
// CleanUtf8 turns control characters into spaces.
constexpr char kKeepLine = '\x01';
constexpr std::size_t kSuffixSize = sizeof(kSuffix) - 1;

const std::vector<std::string>& RequiredTemplates() {
  static const std::vector<std::string> kNames = {
      "alert.subject",  "alert.txt",  "alert.html",
      "digest.subject", "digest.txt", "digest.html"};
  return kNames;
}

bool IsHtml(std::string_view name) {
  return name.size() >= 5 && name.substr(name.size() - 5) == ".html";
}

// "1:5" for a byte offset into `source`.
std::string LineCol(std::string_view source, std::size_t offset) {
  offset = std::min(offset, source.size());
  std::size_t line =
      1 + std::count(source.begin(), source.begin() + offset, '\n');
  std::size_t nl = source.rfind('\n', offset == 0 ? 0 : offset - 1);
  std::size_t col =
      nl == std::string_view::npos || offset == 0 ? offset + 1 : offset - nl;
  if (offset > 0 && source[offset - 1] == '\n') col = 1;
  return std::to_string(line) + ":" + std::to_string(col);
}

// The library reports "Unclosed tag at 12": turn the offset into
// "path:line:col: Unclosed tag".
std::string ParseError(const std::string& path, std::string_view source,
                       const std::string& message) {
  std::size_t at = message.rfind(" at ");
  if (at != std::string::npos &&
      message.find_first_not_of("0123456789", at + 4) == std::string::npos &&
      at + 4 < message.size()) {
    std::size_t offset = std::stoul(message.substr(at + 4));
    return path + ":" + LineCol(source, offset) + ": " + message.substr(0, at);
  }
  return path + ": " + message;
}

// Where a tag naming `name` first occurs: "path:line:col", or "" if none.
std::string FindTag(const std::string& path, std::string_view source,
                    std::string_view name) {
  std::size_t pos = 0;
  while ((pos = source.find("{{", pos)) != std::string_view::npos) {
    std::size_t end = source.find("}}", pos + 2);
    if (end == std::string_view::npos) break;
    std::string_view tag = source.substr(pos + 2, end - pos - 2);
    std::size_t first = tag.find_first_not_of("#^/&{> \t");
    std::size_t last = tag.find_last_not_of("} \t");
    if (first != std::string_view::npos && last >= first &&
        tag.substr(first, last - first + 1) == name) {
      return path + ":" + LineCol(source, pos);
    }
    pos = end + 2;
  }
  return "";
}

// Mustache's "standalone" rule, which the library applies only to sections
// that render: a line holding nothing but section, partial or comment tags
// (and white space) leaves no blank line or indentation behind. Without it
// every skipped {{#summary}} or {{> partial}} line would add an empty line.
// The tags move to the start of the next line; a blank line there gets
// kKeepLine, as the library drops a blank line that follows a section tag.
std::string StripStandaloneLines(std::string_view source) {
  std::string out;
  bool after_tags = false;
  std::size_t begin = 0;
  while (begin < source.size()) {
    std::size_t nl = source.find('\n', begin);
    std::size_t end = nl == std::string_view::npos ? source.size() : nl + 1;
    std::string_view line = source.substr(begin, end - begin);
    std::string tags;
    bool standalone = true;
    std::size_t pos = 0;
    while (standalone && pos < line.size()) {
      if (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r' ||
          line[pos] == '\n') {
        ++pos;
        continue;
      }
      std::size_t close = line.find("}}", pos);
      standalone = line.substr(pos, 2) == "{{" && pos + 2 < line.size() &&
                   std::string_view("#^/>!").find(line[pos + 2]) !=
                       std::string_view::npos &&
                   close != std::string_view::npos;
      if (standalone) {
        tags.append(line.substr(pos, close + 2 - pos));
        pos = close + 2;
      }
    }
    if (standalone && tags.empty() && after_tags) out.push_back(kKeepLine);
    out.append(standalone && !tags.empty() ? std::string_view(tags) : line);
    after_tags = standalone && !tags.empty();
    begin = end;
  }
  return out;
}

// A language's partials by name ("facts.html"), standalone lines stripped.
using PartialMap = std::map<std::string, std::string, std::less<>>;

// Partials may include partials this deep before the rest is left to the
// library, which parses such a partial again on every render.
constexpr std::size_t kMaxPartialDepth = 8;

// The library trims tag contents with std::isspace.
std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Whether a tag changes the delimiters ({{=<% %>=}}). Text inlined after
// such a tag would be parsed with the new ones, unlike a partial.
bool ChangesDelimiters(std::string_view source) {
  for (std::size_t pos = source.find("{{"); pos != std::string_view::npos;
       pos = source.find("{{", pos + 2)) {
    if (TrimSpace(source.substr(pos + 2)).starts_with('=')) return true;
  }
  return false;
}

// `source` with each {{> name}} of a known partial replaced by the
// partial's text, so the library parses it once here instead of on every
// render (it parses a partial's text each time it meets the tag). The
// output is the same: a partial renders into the caller's line buffer and
// context, as inlined text does. Tags are found as the library finds them
// with the default delimiters. `open` holds the partials being inlined. Sets
// *runtime_partials when a known partial is left as a tag: one that
// includes itself, or nested deeper than kMaxPartialDepth.
std::string InlinePartials(std::string_view source, const PartialMap& partials,
                           std::vector<std::string_view>* open,
                           bool* runtime_partials) {
  std::string out;
  std::size_t copied = 0;
  std::size_t pos = 0;
  while ((pos = source.find("{{", pos)) != std::string_view::npos) {
    std::size_t start = pos;
    bool triple = source.substr(pos + 2, 1) == "{";
    std::string_view close = triple ? "}}}" : "}}";
    std::size_t end = source.find(close, pos + (triple ? 3 : 2));
    if (end == std::string_view::npos) break;  // Load reports the error.
    std::string_view tag = TrimSpace(source.substr(pos + 2, end - pos - 2));
    pos = end + close.size();
    if (triple || !tag.starts_with('>')) continue;
    auto partial = partials.find(TrimSpace(tag.substr(1)));
    if (partial == partials.end()) continue;  // Reported as unknown.
    std::string_view name = partial->first;
    if (open->size() == kMaxPartialDepth ||
        std::find(open->begin(), open->end(), name) != open->end()) {
      *runtime_partials = true;
      continue;
    }
    out.append(source.substr(copied, start - copied));
    open->push_back(name);
    out.append(
        InlinePartials(partial->second, partials, open, runtime_partials));
    open->pop_back();
    copied = pos;
  }
  out.append(source.substr(copied));
  return out;
}

// Records lookups the view cannot answer.
class RecordingContext : public mustache::context<std::string> {
 public:
  RecordingContext(const mustache::data* view, const TemplateSet& set,
                   std::string lang, std::vector<std::string>* unknown)
      : context(view), set_(set), lang_(std::move(lang)), unknown_(unknown) {}

  const mustache::data* get(const std::string& name) const override {
    const mustache::data* found = context::get(name);
    if (found == nullptr) Note(name);
    return found;
  }

  const mustache::data* get_partial(const std::string& name) const override {
    const std::string* source = set_.Partial(lang_, name);
    if (source == nullptr) {
      Note("> " + name);
      return nullptr;
    }
    auto [it, inserted] = partials_.try_emplace(name, *source);
    return &it->second;
  }

 private:
  void Note(const std::string& name) const {
    if (unknown_ != nullptr && std::find(unknown_->begin(), unknown_->end(),
                                         name) == unknown_->end()) {
      unknown_->push_back(name);
    }
  }

  const TemplateSet& set_;
  std::string lang_;
  std::vector<std::string>* unknown_;
  mutable std::map<std::string, mustache::data> partials_;
};

// Collects the library's output without the std::ostringstream its
// string-returning render() builds.
struct StringSink {
  StringSink& operator<<(const std::string& s) {
    out->append(s);
    return *this;
  }
  std::string* out;
};

// Line ends as the mail needs them: CRLF, and a final one; kKeepLine goes.
std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (char c : text) {
    if (c == '\r' || c == kKeepLine) continue;
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) {
    out.append("\r\n");
  }
  return out;
}

}  // namespace

// Builds a set from file contents; `dir` names the files in errors.
struct TemplateSetBuilder {
  static Result<std::shared_ptr<const TemplateSet>> Build(
      const TemplateFiles& files, const fs::path& dir);
  static void TestRender(const TemplateSet& set, const TemplateFiles& files,
                         const fs::path& dir, std::vector<std::string>* errors);
  static std::unique_ptr<ParsedTemplate> Parse(std::string path,
                                               const std::string& source,
                                               std::string_view name,
                                               const PartialMap& partials,
                                               bool inline_partials);
};

// Parses a template once, its known partials inlined unless
// `inline_partials` is false (a file of its language changes delimiters).
std::unique_ptr<ParsedTemplate> TemplateSetBuilder::Parse(
    std::string path, const std::string& source, std::string_view name,
    const PartialMap& partials, bool inline_partials) {
  auto t = std::make_unique<ParsedTemplate>();
  t->path = std::move(path);
  t->source = source;
  t->html = IsHtml(name);
  std::string stripped = StripStandaloneLines(source);
  std::vector<std::string_view> open;
  t->runtime_partials = !inline_partials;
  if (inline_partials) {
    t->parsed = std::make_unique<mustache::mustache>(
        InlinePartials(stripped, partials, &open, &t->runtime_partials));
  }
  if (t->parsed == nullptr || !t->parsed->is_valid()) {
    // Valid parts always make a valid whole; should they not, render as
    // the library would without inlining.
    t->parsed = std::make_unique<mustache::mustache>(stripped);
    t->runtime_partials = true;
  }
  if (t->html) {
    t->parsed->set_custom_escape(
        [](const std::string& s) { return HtmlEscape(s); });
  } else {
    t->parsed->set_custom_escape([](const std::string& s) { return s; });
  }
  return t;
}

std::string RenderTemplate(const TemplateSet& set, std::string_view lang,
                           std::string_view name, const mustache::data& view,
                           std::vector<std::string>* unknown,
                           std::string* error) {
  const ParsedTemplate* t = set.Find(lang, name);
  if (t == nullptr) t = set.Find(TemplateSet::Languages().front(), name);
  if (t == nullptr) return "";
  // Rendering only reads the parsed template, except that the library
  // parses a partial left as a tag and stores its errors in the template.
  std::unique_lock<std::mutex> lock(set.render_mutex(), std::defer_lock);
  if (t->runtime_partials) lock.lock();
  RecordingContext context(&view, set, std::string(lang), unknown);
  std::string out;
  StringSink sink{&out};
  t->parsed->render(context, sink);
  if (!t->parsed->is_valid() && error != nullptr) {
    *error = t->parsed->error_message();
  }
  if (t->html || name.ends_with(".txt")) return ToCrlf(out);
  std::erase(out, kKeepLine);
  return out;
}

const std::vector<std::string>& TemplateSet::Languages() {
  static const std::vector<std::string> kLanguages = {"nb", "en"};
  return kLanguages;
}

TemplateSet::~TemplateSet() = default;

const ParsedTemplate* TemplateSet::Find(std::string_view lang,
                                        std::string_view name) const {
  auto l = templates_.find(lang);
  if (l == templates_.end()) return nullptr;
  auto t = l->second.find(name);
  return t == l->second.end() ? nullptr : t->second.get();
}

const std::string* TemplateSet::Partial(std::string_view lang,
                                        std::string_view name) const {
  auto l = partials_.find(lang);
  if (l == partials_.end()) return nullptr;
  auto p = l->second.find(name);
  return p == l->second.end() ? nullptr : &p->second;
}

Result<std::shared_ptr<const TemplateSet>> TemplateSetBuilder::Build(
    const TemplateFiles& files, const fs::path& dir) {
  std::shared_ptr<TemplateSet> set(new TemplateSet());
  std::vector<std::string> errors;
  for (const std::string& lang : TemplateSet::Languages()) {
    auto l = files.find(lang);
    if (l == files.end()) {
      errors.push_back((dir / lang).string() + ": missing template directory");
      continue;
    }
    // Partials first: the templates inline them.
    std::vector<std::string> templates;  // Valid template files.
    bool changes_delimiters = false;
    for (const auto& [file, source] : l->second) {
      if (mustache::mustache check(source); !check.is_valid()) {
        // Parsed as written, so the error's place is the file's.
        errors.push_back(ParseError((dir / lang / file).string(), source,
                                    check.error_message()));
        continue;
      }
      changes_delimiters = changes_delimiters || ChangesDelimiters(source);
      std::string name = file.substr(0, file.size() - kSuffixSize);
      if (name.starts_with("_")) {
        set->partials_[lang][name.substr(1)] = StripStandaloneLines(source);
      } else {
        templates.push_back(file);
      }
    }
    for (const std::string& file : templates) {
      std::string name = file.substr(0, file.size() - kSuffixSize);
      set->templates_[lang][name] =
          Parse((dir / lang / file).string(), l->second.at(file), name,
                set->partials_[lang], !changes_delimiters);
    }
    for (const std::string& name : RequiredTemplates()) {
      if (l->second.count(name + kSuffix) == 0) {
        errors.push_back((dir / lang / (name + kSuffix)).string() +
                         ": missing template");
      }
    }
  }
  if (errors.empty()) TestRender(*set, files, dir, &errors);
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) {
      if (!message.empty()) message += "\n";
      message += e;
    }
    return Status::InvalidArgument(message);
  }
  return std::shared_ptr<const TemplateSet>(std::move(set));
}

// Renders every template against the sample views, so a misspelt variable
// or partial is found when the set loads, not in an agency's inbox.
void TemplateSetBuilder::TestRender(const TemplateSet& set,
                                    const TemplateFiles& files,
                                    const fs::path& dir,
                                    std::vector<std::string>* errors) {
  // A full sample, and a sparse one (no CELEX, link, summary or contact;
  // weekly) so the {{^...}} branches are rendered too.
  AlertInput alert = SampleAlertInput();
  AlertInput sparse = alert;
  sparse.item.celex.clear();
  sparse.item.link.clear();
  sparse.item.summary.clear();
  sparse.item.published.reset();
  sparse.contact.clear();
  DigestInput digest = SampleDigestInput();
  DigestInput sparse_digest = digest;
  sparse_digest.entries = {{sparse.item, sparse.reasons}};
  sparse_digest.contact.clear();
  sparse_digest.cadence = "weekly";
  for (const std::string& lang : TemplateSet::Languages()) {
    mustache::data alert_views[] = {MakeAlertView(alert, lang),
                                    MakeAlertView(sparse, lang)};
    mustache::data digest_views[] = {MakeDigestView(digest, lang),
                                     MakeDigestView(sparse_digest, lang)};
    for (const std::string& name : RequiredTemplates()) {
      const ParsedTemplate* t = set.Find(lang, name);
      std::vector<std::string> unknown;
      std::string error;
      for (int i = 0; i < 2; ++i) {
        RenderTemplate(
            set, lang, name,
            name.starts_with("alert") ? alert_views[i] : digest_views[i],
            &unknown, &error);
      }
      if (!error.empty()) errors->push_back(t->path + ": " + error);
      for (const std::string& u : unknown) {
        bool partial = u.starts_with("> ");
        std::string what = partial ? u.substr(2) : u;
        std::string where = FindTag(t->path, t->source, what);
        for (const auto& [file, source] : files.at(lang)) {
          if (!where.empty()) break;
          if (file.starts_with("_")) {
            where = FindTag((dir / lang / file).string(), source, what);
          }
        }
        if (where.empty()) where = t->path;
        errors->push_back(where + ": unknown " +
                          (partial ? "partial '" : "variable '") + what +
                          "' in " + name);
      }
    }
  }
}

Result<std::shared_ptr<const TemplateSet>> TemplateSet::Load(
    const fs::path& dir) {
  TemplateFiles files;
  std::vector<std::string> errors;
  for (const std::string& lang : Languages()) {
    std::error_code ec;
    fs::directory_iterator it(dir / lang, ec);
    if (ec) continue;  // Build() names the missing directory.
    auto& entries = files[lang];
    for (const fs::directory_entry& entry : it) {
      std::string file = entry.path().filename().string();
      if (!file.ends_with(kSuffix) || !entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      if (in.is_open()) text << in.rdbuf();
      if (!in.is_open() || in.bad()) {
        errors.push_back(entry.path().string() + ": cannot read");
        continue;
      }
      entries[file] = text.str();
    }
  }
  if (!errors.empty()) return Status::InvalidArgument(errors.front());
  return TemplateSetBuilder::Build(files, dir);
}

const TemplateSet& TemplateSet::BuiltIn() {
  static const std::shared_ptr<const TemplateSet> kSet = [] {
    Result<std::shared_ptr<const TemplateSet>> set = TemplateSetBuilder::Build(
        BuiltInTemplateFiles(), "(built-in templates)");
    // The compiled-in files are tested; a failure here is a bug.
    if (!set.ok()) std::abort();
    return *set;
  }();
  return *kSet;
}

}  // namespace lexwatch::mail
