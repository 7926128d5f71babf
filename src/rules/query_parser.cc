// Query strings, for the precise cases the any/all/none lists cannot say:
//
//   query    = or_expr ;
//   or_expr  = and_expr { "OR" and_expr } ;
//   and_expr = unary { [ "AND" ] unary } ;         (adjacent = AND)
//   unary    = "NOT" unary | near ;
//   near     = primary { "NEAR/" digits primary } ; (words or phrases only)
//   primary  = field ":" primary | "(" or_expr ")"
//            | '"' words [ "*" ] '"' [ "~" digits ] | word [ "*" ] ;
//   field    = "title" | "summary" | "author" | "eurovoc" | "annex"
//            | "celex" | "type" | "source" | "eea" | "lang" ;
//
// Keywords are upper case only; "and", "or", "not", "near" are words.
#include "rules/query_parser.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace lexwatch::rules {
namespace {

enum class Kind {
  kWord,
  kPhrase,
  kOpen,
  kClose,
  kAnd,
  kOr,
  kNot,
  kNear,
  kField,
  kEnd
};

struct Lexeme {
  Kind kind;
  std::size_t begin;
  std::size_t end;
  std::string text;  // Word, phrase without quotes, or field name.
  int number = 0;    // NEAR/n distance, or a phrase's ~n.
};

constexpr int kMaxQueryDepth = 100;

struct FieldInfo {
  const char* name;
  std::uint16_t bit;
};

constexpr FieldInfo kFields[] = {
    {"title", kTitleField},     {"summary", kSummaryField},
    {"author", kAuthorField},   {"celex", kCelexField},
    {"type", kTypeField},       {"source", kSourceField},
    {"eurovoc", kEurovocField}, {"eea", kEeaField},
    {"annex", kAnnexField},     {"lang", kLangField},
};

// Appends rather than "'" + std::string(s): GCC 12 warns (-Wrestrict, a
// false positive) about operator+(const char*, std::string&&) at -O2.
std::string Quote(std::string_view s) {
  std::string quoted;
  quoted.reserve(s.size() + 2);
  quoted.append(1, '\'').append(s).append(1, '\'');
  return quoted;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads a positive decimal number; 0 when there is none.
int ReadNumber(std::string_view text, std::size_t* pos) {
  int n = 0;
  auto [end, ec] =
      std::from_chars(text.data() + *pos, text.data() + text.size(), n);
  if (ec != std::errc() || n <= 0) return 0;
  *pos = static_cast<std::size_t>(end - text.data());
  return n;
}

// "column 22", or "line 3, column 22" when `offset` is on another line than
// `relative_to`.
std::string ColumnText(const QueryPositions& positions, std::size_t offset,
                       std::size_t relative_to) {
  const SourcePos at = positions(offset);
  const SourcePos ref = positions(relative_to);
  std::string text = "column " + std::to_string(at.column);
  if (at.line != ref.line) {
    text = "line " + std::to_string(at.line) + ", " + text;
  }
  return text;
}

// Splits a query into lexemes; stops at the first problem.
class Lexer {
 public:
  Lexer(std::string_view text, const QueryPositions& positions)
      : text_(text), positions_(positions) {}

  std::optional<QueryError> Run(std::vector<Lexeme>* out) {
    std::size_t pos = 0;
    while (true) {
      while (pos < text_.size() && IsSpace(text_[pos])) ++pos;
      if (pos >= text_.size()) break;
      const char c = text_[pos];
      std::optional<QueryError> error;
      if (c == '(' || c == ')') {
        out->push_back({c == '(' ? Kind::kOpen : Kind::kClose, pos, pos + 1,
                        std::string(1, c)});
        ++pos;
      } else if (c == '"') {
        error = Phrase(&pos, out);
      } else {
        error = Word(&pos, out);
      }
      if (error) return error;
    }
    out->push_back({Kind::kEnd, text_.size(), text_.size(), ""});
    return std::nullopt;
  }

 private:
  std::optional<QueryError> Phrase(std::size_t* pos, std::vector<Lexeme>* out) {
    const std::size_t begin = *pos;
    const std::size_t close = text_.find('"', begin + 1);
    if (close == std::string_view::npos) {
      return QueryError{text_.size(),
                        "unterminated quote: '\"' at " +
                            ColumnText(positions_, begin, text_.size()) +
                            " is never closed"};
    }
    Lexeme phrase{Kind::kPhrase, begin, close + 1,
                  std::string(text_.substr(begin + 1, close - begin - 1))};
    *pos = close + 1;
    if (*pos < text_.size() && text_[*pos] == '~') {
      ++*pos;
      phrase.number = ReadNumber(text_, pos);
      if (phrase.number == 0) {
        return QueryError{close + 1, "expected a number of words after '~'"};
      }
      phrase.end = *pos;
    }
    out->push_back(std::move(phrase));
    return std::nullopt;
  }

  std::optional<QueryError> Word(std::size_t* pos, std::vector<Lexeme>* out) {
    const std::size_t begin = *pos;
    std::size_t end = begin;
    while (end < text_.size() && !IsSpace(text_[end]) && text_[end] != '(' &&
           text_[end] != ')' && text_[end] != '"') {
      if (text_[end] == ':' && end > begin &&
          std::all_of(text_.begin() + begin, text_.begin() + end,
                      IsAsciiLetter)) {
        out->push_back({Kind::kField, begin, end + 1,
                        std::string(text_.substr(begin, end - begin))});
        *pos = end + 1;
        return std::nullopt;
      }
      ++end;
    }
    *pos = end;
    const std::string_view word = text_.substr(begin, end - begin);
    if (word == "AND" || word == "OR" || word == "NOT") {
      out->push_back({word == "AND"  ? Kind::kAnd
                      : word == "OR" ? Kind::kOr
                                     : Kind::kNot,
                      begin, end, std::string(word)});
      return std::nullopt;
    }
    if (word == "NEAR" || word.starts_with("NEAR/")) {
      std::size_t number_pos = begin + 5;
      const int distance =
          word == "NEAR" ? 0 : ReadNumber(text_.substr(0, end), &number_pos);
      if (distance == 0 || number_pos != end) {
        return QueryError{begin,
                          "NEAR needs a distance in words, as in "
                          "'NEAR/3'"};
      }
      out->push_back({Kind::kNear, begin, end, std::string(word), distance});
      return std::nullopt;
    }
    out->push_back({Kind::kWord, begin, end, std::string(word)});
    return std::nullopt;
  }

  std::string_view text_;
  const QueryPositions& positions_;
};

// Which fields the operands being parsed look in.
struct Scope {
  std::uint16_t fields = kDefaultFields;
  std::string name;  // "type", ...; empty for the default fields.
  bool value() const { return (fields & kTextFields) == 0; }
};

// Recursive descent over the lexemes; the first error stops it.
class Parser {
 public:
  Parser(std::string_view text, const QueryPositions& positions,
         std::vector<Lexeme> lexemes, Query* query)
      : text_(text),
        positions_(positions),
        lexemes_(std::move(lexemes)),
        query_(query) {}

  std::optional<QueryError> Run() {
    if (Peek().kind == Kind::kEnd) return QueryError{0, "empty query"};
    std::optional<QueryNode> root = Or(Scope{});
    if (root && Peek().kind == Kind::kClose) {
      Fail(Peek().begin, "unbalanced parenthesis: ')' has no matching '('");
    }
    if (error_) return error_;
    query_->root = std::move(*root);
    if (Evaluate(query_->root, [](std::size_t) { return false; })) {
      return QueryError{
          0, "query has no term to look for (NOT alone cannot fire)"};
    }
    return std::nullopt;
  }

 private:
  const Lexeme& Peek() const { return lexemes_[next_]; }
  const Lexeme& Take() { return lexemes_[next_++]; }

  std::nullopt_t Fail(std::size_t offset, std::string message) {
    if (!error_) error_ = QueryError{offset, std::move(message)};
    return std::nullopt;
  }

  static QueryNode Combine(QueryNode::Op op, QueryNode left, QueryNode right) {
    if (left.op == op) {
      left.children.push_back(std::move(right));
      return left;
    }
    QueryNode node{op, 0, {}};
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  std::optional<QueryNode> Or(const Scope& scope) {
    std::optional<QueryNode> left = And(scope);
    while (left && Peek().kind == Kind::kOr) {
      Take();
      std::optional<QueryNode> right = And(scope);
      if (!right) return std::nullopt;
      left = Combine(QueryNode::Op::kOr, std::move(*left), std::move(*right));
    }
    return left;
  }

  bool StartsOperand(Kind kind) const {
    return kind == Kind::kWord || kind == Kind::kPhrase ||
           kind == Kind::kOpen || kind == Kind::kField || kind == Kind::kNot;
  }

  std::optional<QueryNode> And(const Scope& scope) {
    std::optional<QueryNode> left = Unary(scope);
    while (left && (Peek().kind == Kind::kAnd || StartsOperand(Peek().kind))) {
      if (Peek().kind == Kind::kAnd) Take();
      std::optional<QueryNode> right = Unary(scope);
      if (!right) return std::nullopt;
      left = Combine(QueryNode::Op::kAnd, std::move(*left), std::move(*right));
    }
    return left;
  }

  // Parentheses, NOT and field prefixes nest by recursion here and in every
  // walk of the tree: a limit keeps a pathological query from exhausting
  // the stack. Pairs with Leave().
  bool Enter() {
    // The outermost call is not nested.
    if (++depth_ - 1 <= kMaxQueryDepth) return true;
    Fail(Peek().begin, "query nested too deeply (more than " +
                           std::to_string(kMaxQueryDepth) +
                           " levels of parentheses, NOT or field:)");
    return false;
  }
  void Leave() { --depth_; }

  std::optional<QueryNode> Unary(const Scope& scope) {
    if (!Enter()) return std::nullopt;
    std::optional<QueryNode> node = UnaryInside(scope);
    Leave();
    return node;
  }

  std::optional<QueryNode> UnaryInside(const Scope& scope) {
    if (Peek().kind != Kind::kNot) return Near(scope);
    Take();
    std::optional<QueryNode> operand = Unary(scope);
    if (!operand) return std::nullopt;
    QueryNode node{QueryNode::Op::kNot, 0, {}};
    node.children.push_back(std::move(*operand));
    return node;
  }

  // True for a leaf of one word or phrase in text fields, which NEAR takes.
  bool IsNearOperand(const QueryNode& node) const {
    if (node.op != QueryNode::Op::kLeaf) return false;
    const Leaf& leaf = query_->leaves[node.leaf];
    return (leaf.fields & ~kTextFields) == 0;
  }

  std::optional<QueryNode> Near(const Scope& scope) {
    std::optional<QueryNode> left = Primary(scope);
    while (left && Peek().kind == Kind::kNear) {
      const Lexeme& near = Take();
      std::optional<QueryNode> right = Primary(scope);
      if (!right) return std::nullopt;
      if (!IsNearOperand(*left) || !IsNearOperand(*right) ||
          query_->leaves[right->leaf].distance != 0) {
        return Fail(near.begin,
                    "NEAR needs a word or phrase in a text field on each "
                    "side");
      }
      // The right operand was the last leaf added: fold it into the left.
      Leaf& merged = query_->leaves[left->leaf];
      const Leaf& added = query_->leaves.back();
      if (merged.fields != added.fields) {
        return Fail(near.begin, "NEAR needs both sides in the same fields");
      }
      if (merged.distance != 0 && merged.distance != near.number) {
        return Fail(near.begin, "NEAR distances in one chain must be equal");
      }
      merged.distance = near.number;
      merged.terms.push_back(added.terms[0]);
      spans_[left->leaf].second = spans_.back().second;
      const auto [begin, end] = spans_[left->leaf];
      merged.written = std::string(text_.substr(begin, end - begin));
      query_->leaves.pop_back();
      spans_.pop_back();
    }
    return left;
  }

  std::optional<QueryNode> Primary(const Scope& scope) {
    const Lexeme& lexeme = Peek();
    switch (lexeme.kind) {
      case Kind::kField:
        return Field(scope);
      case Kind::kOpen:
        return Group(scope);
      case Kind::kWord:
      case Kind::kPhrase:
        return Operand(scope);
      default:
        return Unexpected();
    }
  }

  std::optional<QueryNode> Field(const Scope& outer) {
    if (!Enter()) return std::nullopt;
    std::optional<QueryNode> node = FieldInside(outer);
    Leave();
    return node;
  }

  std::optional<QueryNode> FieldInside(const Scope& outer) {
    const Lexeme& field = Take();
    const auto* info =
        std::find_if(std::begin(kFields), std::end(kFields),
                     [&](const FieldInfo& f) { return field.text == f.name; });
    if (info == std::end(kFields)) {
      std::string known;
      for (const FieldInfo& f : kFields) {
        known += (known.empty() ? "" : ", ") + std::string(f.name);
      }
      return Fail(field.begin, "unknown field " + Quote(field.text + ":") +
                                   " (known: " + known + ")");
    }
    (void)outer;  // An inner scope replaces the outer one.
    return Primary(Scope{info->bit, info->name});
  }

  std::optional<QueryNode> Group(const Scope& scope) {
    const Lexeme& open = Take();
    if (Peek().kind == Kind::kClose) {
      return Fail(open.begin, "empty parentheses '()'");
    }
    std::optional<QueryNode> inner = Or(scope);
    if (!inner) return std::nullopt;
    if (Peek().kind != Kind::kClose) {
      // Or() stops only at ')' or the end of the query.
      return Fail(text_.size(),
                  "unbalanced parenthesis: '(' at " +
                      ColumnText(positions_, open.begin, text_.size()) +
                      " is never closed");
    }
    Take();
    return inner;
  }

  // The lexeme at `next_` cannot start an operand: say what is missing.
  std::nullopt_t Unexpected() {
    const Lexeme& here = Peek();
    const Lexeme* before = next_ > 0 ? &lexemes_[next_ - 1] : nullptr;
    const bool after_operator =
        before != nullptr &&
        (before->kind == Kind::kAnd || before->kind == Kind::kOr ||
         before->kind == Kind::kNot || before->kind == Kind::kNear);
    if (before != nullptr && before->kind == Kind::kField) {
      return Fail(before->begin,
                  "field " + Quote(before->text + ":") + " needs a term");
    }
    if (after_operator && here.kind == Kind::kEnd) {
      return Fail(before->begin, "dangling operator " + Quote(before->text) +
                                     " at end of query");
    }
    if (after_operator && here.kind == Kind::kClose) {
      return Fail(before->begin,
                  "dangling operator " + Quote(before->text) + " before ')'");
    }
    if (after_operator) {
      return Fail(here.begin, "missing term between " + Quote(before->text) +
                                  " and " + Quote(here.text));
    }
    if (here.kind == Kind::kClose) {
      return Fail(here.begin,
                  "unbalanced parenthesis: ')' has no matching '('");
    }
    const std::string where =
        before == nullptr ? "at start of query" : "after '('";
    return Fail(here.begin,
                "dangling operator " + Quote(here.text) + " " + where);
  }

  std::optional<QueryNode> Operand(const Scope& scope) {
    const Lexeme& lexeme = Take();
    std::optional<Leaf> leaf =
        scope.value() ? ValueLeaf(lexeme, scope) : TextLeaf(lexeme, scope);
    if (!leaf) return std::nullopt;
    leaf->fields = scope.fields;
    leaf->pos = positions_(lexeme.begin);
    leaf->written =
        std::string(text_.substr(lexeme.begin, lexeme.end - lexeme.begin));
    query_->leaves.push_back(std::move(*leaf));
    spans_.push_back({lexeme.begin, lexeme.end});
    return QueryNode{QueryNode::Op::kLeaf, query_->leaves.size() - 1, {}};
  }

  // A '*' must end the word; '~' belongs after a closing quote.
  std::optional<QueryError> CheckWord(std::string_view word,
                                      std::size_t offset) const {
    const std::size_t star = word.find('*');
    if (star != std::string_view::npos && star + 1 != word.size()) {
      return QueryError{offset + star, "'*' may only end a word"};
    }
    const std::size_t tilde = word.find('~');
    if (tilde != std::string_view::npos) {
      return QueryError{offset + tilde,
                        "'~' may only follow a quoted phrase, as in "
                        "'\"water reuse\"~3'"};
    }
    return std::nullopt;
  }

  std::optional<Leaf> TextLeaf(const Lexeme& lexeme, const Scope& scope) {
    (void)scope;
    const bool phrase = lexeme.kind == Kind::kPhrase;
    const std::size_t text_begin = lexeme.begin + (phrase ? 1 : 0);
    if (auto error = CheckWord(lexeme.text, text_begin)) {
      Fail(error->offset, error->message);
      return std::nullopt;
    }
    Term term = MakeWordsTerm(lexeme.text, phrase);
    if (term.tokens.empty()) {
      Fail(lexeme.begin,
           phrase ? "empty phrase"
                  : "term " + Quote(lexeme.text) + " has no letters or digits");
      return std::nullopt;
    }
    term.pos = positions_(lexeme.begin);
    Leaf leaf;
    if (lexeme.number == 0 || term.tokens.size() < 2) {
      leaf.terms.push_back(std::move(term));
      return leaf;
    }
    // "water reuse"~3: each word on its own, near the others.
    leaf.distance = lexeme.number;
    for (std::size_t i = 0; i < term.tokens.size(); ++i) {
      Term word = term;
      word.tokens = {term.tokens[i]};
      word.prefix = term.prefix && i + 1 == term.tokens.size();
      word.written = term.tokens[i];
      leaf.terms.push_back(std::move(word));
    }
    return leaf;
  }

  std::optional<Leaf> ValueLeaf(const Lexeme& lexeme, const Scope& scope) {
    if (lexeme.kind == Kind::kWord) {
      if (auto error = CheckWord(lexeme.text, lexeme.begin)) {
        Fail(error->offset, error->message);
        return std::nullopt;
      }
    }
    if (lexeme.number != 0) {
      Fail(lexeme.begin,
           "'~' is for text fields, not " + Quote(scope.name + ":"));
      return std::nullopt;
    }
    Term term = MakeValueTerm(lexeme.text);
    if (term.tokens.empty()) {
      Fail(lexeme.begin, "field " + Quote(scope.name + ":") + " needs a term");
      return std::nullopt;
    }
    if (auto problem = CheckValue(scope, term)) {
      Fail(lexeme.begin, *problem);
      return std::nullopt;
    }
    term.pos = positions_(lexeme.begin);
    Leaf leaf;
    leaf.terms.push_back(std::move(term));
    return leaf;
  }

  static std::optional<std::string> CheckValue(const Scope& scope,
                                               const Term& term) {
    const std::string& value = term.tokens[0];
    if (scope.fields == kEeaField &&
        (term.prefix || (value != "true" && value != "false"))) {
      return "'eea:' takes true or false, not " + Quote(term.written);
    }
    if (scope.fields == kTypeField && !term.prefix) {
      const auto& types = KnownDocTypes();
      if (std::find(types.begin(), types.end(), value) == types.end()) {
        std::string known;
        for (const std::string& type : types) {
          known += (known.empty() ? "" : ", ") + type;
        }
        return "unknown type " + Quote(term.written) + " (known: " + known +
               ")";
      }
    }
    return std::nullopt;
  }

  std::string_view text_;
  const QueryPositions& positions_;
  std::vector<Lexeme> lexemes_;
  std::size_t next_ = 0;
  int depth_ = 0;  // Enter() calls on the stack.
  Query* query_;
  // Byte range of each leaf in the query, parallel to query_->leaves.
  std::vector<std::pair<std::size_t, std::size_t>> spans_;
  std::optional<QueryError> error_;
};

}  // namespace

const std::vector<std::string>& KnownDocTypes() {
  static const std::vector<std::string> kTypes = {
      "regulation",    "directive", "decision",    "recommendation", "proposal",
      "communication", "judgment",  "corrigendum", "eea-decision",   "other"};
  return kTypes;
}

std::optional<QueryError> ParseQuery(std::string_view text,
                                     const QueryPositions& positions,
                                     Query* query) {
  std::vector<Lexeme> lexemes;
  if (auto error = Lexer(text, positions).Run(&lexemes)) return error;
  return Parser(text, positions, std::move(lexemes), query).Run();
}

}  // namespace lexwatch::rules
