#ifndef LEXWATCH_MAIL_TEMPLATE_INTERNAL_H_
#define LEXWATCH_MAIL_TEMPLATE_INTERNAL_H_

// Internal to src/mail: the template library (kainjow mustache) and the
// view models. Nothing outside src/mail includes this header.

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mail/message.h"
#include "mail/template_set.h"

namespace lexwatch::mail {

namespace mustache = kainjow::mustache;

struct ParsedTemplate {
  std::string path;    // For error messages.
  std::string source;  // LF line ends as in the file.
  bool html = false;   // HTML-escape {{ }}; other kinds are not escaped.
  // Known partials are inlined into `parsed` at load. When one is left as a
  // tag (it includes itself, nests too deep, or delimiters change), the
  // library parses it on each render and may store an error in `parsed`:
  // such renders hold the set's render_mutex().
  bool runtime_partials = false;
  std::unique_ptr<mustache::mustache> parsed;
};

// Template file contents by language and file name
// ("alert.html.mustache", "_facts.html.mustache").
using TemplateFiles = std::map<std::string, std::map<std::string, std::string>>;

// The files compiled into the binary (template_builtin.cc).
const TemplateFiles& BuiltInTemplateFiles();

// Renders template `name` ("alert.html") of `lang` against `view`. Names
// the view lacks are appended to `unknown` (when not null) as "x" for a
// variable or section and "> x" for a partial; they render as nothing.
// A render error (only possible from a partial) goes to `error`.
std::string RenderTemplate(const TemplateSet& set, std::string_view lang,
                           std::string_view name, const mustache::data& view,
                           std::vector<std::string>* unknown = nullptr,
                           std::string* error = nullptr);

// The view models, with every key the templates may use present ("" or
// false when absent). Sample* are what TemplateSet::Load test-renders.
mustache::data MakeAlertView(const AlertInput& input, std::string_view lang);
mustache::data MakeDigestView(const DigestInput& input, std::string_view lang);
AlertInput SampleAlertInput();
DigestInput SampleDigestInput();

}  // namespace lexwatch::mail

#endif  // LEXWATCH_MAIL_TEMPLATE_INTERNAL_H_
