#pragma once
// ShardedMap: a hash map split into a fixed number of immutable shards, shared between the
// snapshots that hold it. Copying the map copies the shard pointers, not the entries; changing an
// entry copies only its shard, and only when a published snapshot still shares that shard (a shard
// the builder alone holds is changed in place). So a change costs the size of one shard, not of the
// whole map, and snapshots built one after another share everything a change did not touch.
//
// One writer (the snapshot builder) changes a map; readers only use copies they were handed, which
// never change. Lookups take no lock and allocate nothing.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

namespace archway::gateway {

template <class K, class V, class Hash = std::hash<K>, class Eq = std::equal_to<K>, std::size_t kShardBits = 8>
class ShardedMap {
 public:
  using Shard = std::unordered_map<K, V, Hash, Eq>;
  static constexpr std::size_t kShards = std::size_t{1} << kShardBits;

  template <class Key>
  const V* find(const Key& key) const {
    const std::size_t h = Hash{}(key);
    const auto& shard = shards_[index(h)];
    if (!shard) return nullptr;
    auto it = shard->find(key);
    return it == shard->end() ? nullptr : &it->second;
  }

  std::size_t size() const { return size_; }

  // Inserts or replaces.
  V& put(K key, V value) {
    Shard& s = writable(Hash{}(key));
    auto [it, inserted] = s.insert_or_assign(std::move(key), std::move(value));
    if (inserted) ++size_;
    return it->second;
  }

  template <class Key>
  bool erase(const Key& key) {
    const std::size_t i = index(Hash{}(key));
    if (!shards_[i] || shards_[i]->find(key) == shards_[i]->end()) return false;
    Shard& s = writable_at(i);
    s.erase(s.find(key));
    --size_;
    return true;
  }

  // Calls f(key, value) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& shard : shards_)
      if (shard)
        for (const auto& [k, v] : *shard) f(k, v);
  }

  // Erases every entry for which pred(key, value) holds; copies only the shards it changes.
  template <class P>
  std::size_t erase_if(P&& pred) {
    std::size_t erased = 0;
    for (std::size_t i = 0; i < kShards; ++i) {
      if (!shards_[i]) continue;
      bool any = false;
      for (const auto& [k, v] : *shards_[i]) any = any || pred(k, v);
      if (!any) continue;
      Shard& s = writable_at(i);
      erased += std::erase_if(s, [&](const auto& kv) { return pred(kv.first, kv.second); });
    }
    size_ -= erased;
    return erased;
  }

  // Makes room for about `n` entries in all, before a bulk load.
  void reserve(std::size_t n) {
    if (n < kShards) return;
    for (std::size_t i = 0; i < kShards; ++i) writable_at(i).reserve(n / kShards + n / kShards / 4 + 1);
  }

  void clear() {
    shards_ = {};
    size_ = 0;
  }

 private:
  // The shard of a hash: its high bits, as the shard's own table uses the low ones.
  static std::size_t index(std::size_t h) {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(h) * 0x9E3779B97F4A7C15ULL) >> (64 - kShardBits));
  }
  Shard& writable(std::size_t h) { return writable_at(index(h)); }
  Shard& writable_at(std::size_t i) {
    auto& shard = shards_[i];
    // use_count() == 1: no published snapshot holds this shard, and only this writer could copy
    // the pointer, so changing it in place is invisible to readers.
    if (!shard) shard = std::make_shared<Shard>();
    else if (shard.use_count() > 1) shard = std::make_shared<Shard>(*shard);
    return *shard;
  }

  std::array<std::shared_ptr<Shard>, kShards> shards_{};
  std::size_t size_ = 0;
};

}  // namespace archway::gateway
