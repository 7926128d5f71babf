#ifndef LEXWATCH_RULES_TERM_INDEX_H_
#define LEXWATCH_RULES_TERM_INDEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lexwatch::rules {

// Maps a word (folded, or a stem) to the ids filed under it. Built with Add,
// then Freeze lays it out as one open-addressing table over contiguous
// arrays, so that a lookup touches two or three cache lines instead of
// chasing the nodes of a std::unordered_map. Immutable once frozen; Find
// is safe from any thread.
class WordIndex {
 public:
  void Add(std::string_view word, std::uint32_t id);
  void Freeze();

  // The ids filed under `word`, in the order added; empty when none. Only
  // after Freeze.
  std::span<const std::uint32_t> Find(std::string_view word) const {
    return Find(word, Hash(word));
  }
  // The same, for a caller that has `hash` == Hash(word) already.
  std::span<const std::uint32_t> Find(std::string_view word,
                                      std::uint64_t hash) const;

  bool empty() const { return ids_.empty() && building_.empty(); }

  static std::uint64_t Hash(std::string_view word);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t word_begin = 0;  // In words_.
    std::uint32_t word_size = 0;
    std::uint32_t ids_begin = 0;  // In ids_.
    std::uint32_t ids_size = 0;   // 0 for an empty slot.
  };

  std::unordered_map<std::string, std::vector<std::uint32_t>> building_;
  std::vector<Slot> slots_;  // Size a power of two, at most half full.
  std::string words_;
  std::vector<std::uint32_t> ids_;
};

// Maps prefixes to the ids filed under them, and finds every prefix of a
// word in one pass over the word's bytes, however many prefix lengths there
// are. Built with Add, then Freeze flattens the trie into arrays. Immutable
// once frozen; ForEachPrefixOf is safe from any thread.
class PrefixTrie {
 public:
  void Add(std::string_view prefix, std::uint32_t id);
  void Freeze();

  // Calls `fn(id)` for every id filed under a non-empty prefix of `word`,
  // shorter prefixes first. Only after Freeze.
  template <typename Fn>
  void ForEachPrefixOf(std::string_view word, const Fn& fn) const {
    std::uint32_t node = 0;
    for (char c : word) {
      node = Child(node, static_cast<unsigned char>(c));
      if (node == 0) return;
      const Node& n = nodes_[node];
      for (std::uint32_t i = n.ids_begin; i < n.ids_end; ++i) fn(ids_[i]);
    }
  }

 private:
  struct BuildNode {
    std::vector<std::pair<unsigned char, std::uint32_t>> children;
    std::vector<std::uint32_t> ids;
  };
  struct Node {
    std::uint32_t edges_begin = 0;  // In labels_ and targets_.
    std::uint32_t edges_end = 0;
    std::uint32_t ids_begin = 0;  // In ids_.
    std::uint32_t ids_end = 0;
  };

  // The child of `node` along `byte`, or 0 (the root is nobody's child).
  std::uint32_t Child(std::uint32_t node, unsigned char byte) const {
    if (node == 0) return root_children_[byte];
    const Node& n = nodes_[node];
    for (std::uint32_t e = n.edges_begin; e < n.edges_end; ++e) {
      if (labels_[e] == byte) return targets_[e];
    }
    return 0;
  }

  std::vector<BuildNode> building_ = std::vector<BuildNode>(1);
  std::vector<Node> nodes_;  // nodes_[0] is the root.
  std::vector<std::uint32_t> root_children_ = std::vector<std::uint32_t>(256);
  std::vector<unsigned char> labels_;
  std::vector<std::uint32_t> targets_;
  std::vector<std::uint32_t> ids_;
};

}  // namespace lexwatch::rules

#endif  // LEXWATCH_RULES_TERM_INDEX_H_
