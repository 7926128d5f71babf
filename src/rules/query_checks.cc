#include "rules/query_checks.h"

#include <algorithm>
#include <set>
#include <string_view>

namespace lexwatch::rules {
namespace {

// Folded, as FoldForMatch spells them ("på" -> "pa", "EØS" -> "eos"). Besides
// function words, the words nearly every EU act title carries.
const std::set<std::string, std::less<>>& Stopwords() {
  static const std::set<std::string, std::less<>> kWords = {
      // English.
      "a", "about", "all", "amending", "an", "and", "any", "are", "as", "at",
      "be", "between", "by", "commission", "concerning", "council", "decision",
      "directive", "down", "european", "for", "from", "has", "have", "in",
      "into", "is", "it", "its", "laying", "no", "not", "of", "on", "or",
      "other", "parliament", "regulation", "such", "that", "the", "their",
      "this", "to", "under", "union", "was", "were", "which", "with",
      // Norwegian (bokmål and nynorsk).
      "av", "de", "den", "det", "direktiv", "ei", "eller", "endring", "eos",
      "er", "et", "etter", "for", "forordning", "fra", "har", "i", "ikke",
      "kan", "med", "mot", "ny", "nye", "og", "om", "pa", "seg", "sin", "sine",
      "sitt", "skal", "som", "til", "ved", "vedtak"};
  return kWords;
}

std::size_t CharCount(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool IsCommonWord(std::string_view word) {
  const bool has_digit = std::any_of(
      word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  return Stopwords().count(word) > 0 || (CharCount(word) <= 2 && !has_digit);
}

QueryNode LeafNode(std::size_t leaf) {
  return QueryNode{QueryNode::Op::kLeaf, leaf, {}};
}

QueryNode Group(QueryNode::Op op, std::vector<QueryNode> children) {
  if (children.size() == 1) return std::move(children[0]);
  return QueryNode{op, 0, std::move(children)};
}

// Adds `terms` as leaves; returns their nodes.
std::vector<QueryNode> AddLeaves(const std::vector<Term>& terms,
                                 std::uint16_t fields, Query* query) {
  std::vector<QueryNode> nodes;
  for (const Term& term : terms) {
    Leaf leaf;
    leaf.terms = {term};
    leaf.fields = fields;
    leaf.written = term.written;
    leaf.pos = term.pos;
    query->leaves.push_back(std::move(leaf));
    nodes.push_back(LeafNode(query->leaves.size() - 1));
  }
  return nodes;
}

// The leaves an AND node needs, and those it excludes (NOT leaf, or NOT of
// an OR of leaves), looking through nested ANDs.
void CollectAndParts(const QueryNode& node, std::vector<std::size_t>* required,
                     std::vector<std::size_t>* excluded) {
  for (const QueryNode& child : node.children) {
    if (child.op == QueryNode::Op::kLeaf) {
      required->push_back(child.leaf);
    } else if (child.op == QueryNode::Op::kAnd) {
      CollectAndParts(child, required, excluded);
    } else if (child.op == QueryNode::Op::kNot) {
      const QueryNode& inner = child.children[0];
      if (inner.op == QueryNode::Op::kLeaf) excluded->push_back(inner.leaf);
      if (inner.op != QueryNode::Op::kOr) continue;
      for (const QueryNode& alternative : inner.children) {
        if (alternative.op == QueryNode::Op::kLeaf) {
          excluded->push_back(alternative.leaf);
        }
      }
    }
  }
}

// The same terms at the same distance, excluded in every field where it is
// required.
bool Excludes(const Leaf& excluded, const Leaf& required) {
  if (excluded.distance != required.distance ||
      excluded.terms.size() != required.terms.size() ||
      (required.fields & ~excluded.fields) != 0) {
    return false;
  }
  for (std::size_t i = 0; i < required.terms.size(); ++i) {
    if (required.terms[i].Key() != excluded.terms[i].Key()) return false;
  }
  return true;
}

void WarnRequiredAndExcluded(const Query& query, const QueryNode& node,
                             const std::string& name,
                             std::vector<Diagnostic>* out) {
  if (node.op == QueryNode::Op::kAnd) {
    std::vector<std::size_t> required;
    std::vector<std::size_t> excluded;
    CollectAndParts(node, &required, &excluded);
    for (std::size_t r : required) {
      const Leaf& leaf = query.leaves[r];
      const bool dead = std::any_of(
          excluded.begin(), excluded.end(),
          [&](std::size_t e) { return Excludes(query.leaves[e], leaf); });
      if (!dead) continue;
      out->push_back({"", leaf.pos.line, leaf.pos.column,
                      name + " can never match: term '" + leaf.written +
                          "' is required and also excluded",
                      true});
    }
  }
  // Nested ANDs were searched with this one.
  for (const QueryNode& child : node.children) {
    if (node.op != QueryNode::Op::kAnd || child.op != QueryNode::Op::kAnd) {
      WarnRequiredAndExcluded(query, child, name, out);
    }
  }
}

// Annex numbers ("annex:XX") and values are short by nature, and a few
// author names ("author:Council") are a fair way to route.
bool IsCommonLeaf(const Leaf& leaf) {
  constexpr std::uint16_t kProse = kTitleField | kSummaryField | kEurovocField;
  return (leaf.fields & ~kProse) == 0 &&
         std::all_of(leaf.terms.begin(), leaf.terms.end(), IsCommonTerm);
}

void WarnCommonWords(const Query& query, const std::string& name,
                     std::vector<Diagnostic>* out) {
  const std::vector<bool> positive = PositiveLeaves(query);
  std::vector<bool> common(query.leaves.size(), false);
  const Leaf* first = nullptr;
  for (std::size_t i = 0; i < query.leaves.size(); ++i) {
    common[i] = positive[i] && IsCommonLeaf(query.leaves[i]);
    if (common[i] && first == nullptr) first = &query.leaves[i];
  }
  if (first == nullptr) return;
  // Fires when the common words are found and nothing else is.
  if (!Evaluate(query.root, [&](std::size_t leaf) { return common[leaf]; })) {
    return;
  }
  out->push_back({"", first->pos.line, first->pos.column,
                  name + " matches almost everything: '" + first->written +
                      "' is a very common word",
                  true});
}

}  // namespace

Query ListsToQuery(const std::vector<Term>& any, const std::vector<Term>& all,
                   const std::vector<Term>& none, std::uint16_t fields) {
  Query query;
  std::vector<QueryNode> parts;
  if (!any.empty()) {
    parts.push_back(Group(QueryNode::Op::kOr, AddLeaves(any, fields, &query)));
  }
  for (QueryNode& node : AddLeaves(all, fields, &query)) {
    parts.push_back(std::move(node));
  }
  if (!none.empty()) {
    QueryNode veto{QueryNode::Op::kNot, 0, {}};
    veto.children.push_back(
        Group(QueryNode::Op::kOr, AddLeaves(none, fields, &query)));
    parts.push_back(std::move(veto));
  }
  if (!parts.empty()) query.root = Group(QueryNode::Op::kAnd, std::move(parts));
  return query;
}

bool IsCommonTerm(const Term& term) {
  if (term.tokens.empty()) return false;
  if (term.prefix && term.tokens.size() == 1) {
    return CharCount(term.tokens[0]) <= 2;
  }
  return std::all_of(term.tokens.begin(), term.tokens.end(), IsCommonWord);
}

std::vector<Diagnostic> QueryWarnings(const Query& query,
                                      const std::string& name) {
  std::vector<Diagnostic> warnings;
  if (query.leaves.empty()) return warnings;
  WarnRequiredAndExcluded(query, query.root, name, &warnings);
  WarnCommonWords(query, name, &warnings);
  return warnings;
}

}  // namespace lexwatch::rules
