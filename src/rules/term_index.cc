#include "rules/term_index.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <utility>

namespace lexwatch::rules {

std::uint64_t WordIndex::Hash(std::string_view word) {
  return std::hash<std::string_view>{}(word);
}

void WordIndex::Add(std::string_view word, std::uint32_t id) {
  building_[std::string(word)].push_back(id);
}

void WordIndex::Freeze() {
  slots_.assign(std::bit_ceil(2 * building_.size() + 2), Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const auto& [word, ids] : building_) {
    Slot slot{Hash(word), static_cast<std::uint32_t>(words_.size()),
              static_cast<std::uint32_t>(word.size()),
              static_cast<std::uint32_t>(ids_.size()),
              static_cast<std::uint32_t>(ids.size())};
    words_.append(word);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    std::size_t i = slot.hash & mask;
    while (slots_[i].ids_size != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
  building_.clear();
}

std::span<const std::uint32_t> WordIndex::Find(std::string_view word,
                                               std::uint64_t hash) const {
  if (slots_.empty()) return {};
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.ids_size == 0) return {};
    if (slot.hash == hash && slot.word_size == word.size() &&
        std::string_view(words_).substr(slot.word_begin, slot.word_size) ==
            word) {
      return {ids_.data() + slot.ids_begin, slot.ids_size};
    }
  }
}

void PrefixTrie::Add(std::string_view prefix, std::uint32_t id) {
  std::uint32_t node = 0;
  for (char c : prefix) {
    const auto byte = static_cast<unsigned char>(c);
    auto& children = building_[node].children;
    auto it =
        std::find_if(children.begin(), children.end(),
                     [&](const auto& edge) { return edge.first == byte; });
    if (it != children.end()) {
      node = it->second;
      continue;
    }
    const auto child = static_cast<std::uint32_t>(building_.size());
    children.push_back({byte, child});
    building_.emplace_back();  // Invalidates `children`.
    node = child;
  }
  building_[node].ids.push_back(id);
}

// Numbers nodes breadth-first, so that each node's edges are one run of
// labels_ and targets_.
void PrefixTrie::Freeze() {
  std::vector<std::uint32_t> order = {0};  // Build index by new index.
  std::vector<std::uint32_t> renumbered(building_.size(), 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (const auto& [byte, child] : building_[order[i]].children) {
      renumbered[child] = static_cast<std::uint32_t>(order.size());
      order.push_back(child);
    }
  }
  nodes_.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    BuildNode& built = building_[order[i]];
    Node& node = nodes_[i];
    std::sort(built.children.begin(), built.children.end());
    node.edges_begin = static_cast<std::uint32_t>(labels_.size());
    for (const auto& [byte, child] : built.children) {
      labels_.push_back(byte);
      targets_.push_back(renumbered[child]);
      if (i == 0) root_children_[byte] = renumbered[child];
    }
    node.edges_end = static_cast<std::uint32_t>(labels_.size());
    node.ids_begin = static_cast<std::uint32_t>(ids_.size());
    ids_.insert(ids_.end(), built.ids.begin(), built.ids.end());
    node.ids_end = static_cast<std::uint32_t>(ids_.size());
  }
  building_.clear();
}

}  // namespace lexwatch::rules
