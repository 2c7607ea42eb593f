#pragma once
// Deterministic randomness: every generated value is a pure function of (seed, stream, index),
// so a page can be produced on demand without storing or replaying the dataset.

#include <array>
#include <cstdint>
#include <span>

namespace crm_fake {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t mix_keys(std::uint64_t a, std::uint64_t b) { return splitmix64(a ^ splitmix64(b)); }

// A stream keyed by (seed, stream, index). Streams are separate so that a value needed on its
// own (e.g. update_time for sorting) can be drawn without generating the rest of the record,
// and adding a field to one stream never shifts the values of another.
class Rng {
 public:
  constexpr Rng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index)
      : m_state(mix_keys(mix_keys(seed, stream), index)) {}

  constexpr std::uint64_t next() {
    m_state += 0x9e3779b97f4a7c15ULL;
    return splitmix64(m_state);
  }

  // Uniform in [0, bound); bound > 0. The modulo bias is irrelevant for fake data.
  constexpr std::uint64_t below(std::uint64_t bound) { return next() % bound; }

  // Uniform in [lo, hi], inclusive.
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  constexpr bool percent(unsigned chance) { return below(100) < chance; }

  template <typename T>
  constexpr const T& pick(std::span<const T> items) {
    return items[static_cast<std::size_t>(below(items.size()))];
  }

  template <typename T, std::size_t N>
  constexpr const T& pick(const std::array<T, N>& items) {
    return items[static_cast<std::size_t>(below(N))];
  }

 private:
  std::uint64_t m_state;
};

}  // namespace crm_fake
