#pragma once
// Secrets encrypted at rest: AES-256-GCM with a key the hosts hold (CRMEXPORT_STORE_KEY or
// CRMEXPORT_STORE_KEY_FILE), never with one kept in the store. A sealed secret reads
//   enc:v1:<key id>:<base64 of nonce, ciphertext and tag>
// where the version lets the format change, the key id (the first 8 bytes of SHA-256 of the key,
// in hex) tells "another key" from "altered", and the connection's name is associated data, so a
// ciphertext copied into another connection's row does not open. Plaintext secrets (JSON, so
// never starting with "enc:") written before a key was set still read.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "lib/core/error.hpp"

namespace crmexport::store {

class StoreKey {
 public:
  static constexpr std::size_t k_size = 32;

  // 32 bytes as 64 hex digits or as base64; surrounding whitespace is ignored. `source` names
  // where the text came from, for messages (the text itself never appears in one).
  static Result<StoreKey> parse(std::string_view text, std::string_view source);
  // CRMEXPORT_STORE_KEY, else the file CRMEXPORT_STORE_KEY_FILE names (refused unless only its
  // owner can read it); nullopt when neither is set; usage error when both are. Every accepted
  // key joins the redaction list (lib/core/redact.hpp), in hex and base64.
  static Result<std::optional<StoreKey>> from_environment();
  // The key in `file`, refused (usage error) unless only its owner can read it; `named_by` is the
  // variable or option that named the file, for messages.
  static Result<StoreKey> from_file(const std::string& file, std::string_view named_by);
  // A new random key, base64: what `crmexport auth keygen` prints.
  static std::string generate_base64();

  // The first 8 bytes of SHA-256 of the key, in hex: safe to show and to store.
  const std::string& id() const { return m_id; }
  const std::array<unsigned char, k_size>& bytes() const { return m_bytes; }

 private:
  explicit StoreKey(const std::array<unsigned char, k_size>& bytes);

  std::array<unsigned char, k_size> m_bytes{};
  std::string m_id;
};

// True when `stored` is a sealed secret (whatever its key).
bool is_sealed(std::string_view stored);
// `secret` sealed for the connection `name` with a fresh random 96-bit nonce.
Result<std::string> seal(const StoreKey& key, std::string_view name, std::string_view secret);
// The secret `stored` holds for connection `name`: plaintext as is; sealed ones opened with `key`.
// Usage error naming CRMEXPORT_STORE_KEY without a key or with another key than the one that sealed
// it; auth error when it does not verify (altered, or moved from another connection's row).
// `where` names the store, for messages.
Result<std::string> open_sealed(const std::optional<StoreKey>& key, std::string_view name, std::string_view stored,
                                std::string_view where);

}  // namespace crmexport::store
