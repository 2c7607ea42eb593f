#include "lib/store/secret_box.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <sys/stat.h>

#include "lib/core/redact.hpp"

namespace crmexport::store {
namespace {

constexpr std::string_view k_prefix = "enc:v1:";
constexpr std::size_t k_nonce_size = 12;  // GCM's 96-bit nonce: random per secret
constexpr std::size_t k_tag_size = 16;
constexpr std::size_t k_id_bytes = 8;
constexpr std::string_view k_key_hint = "make one with `crmexport auth keygen`";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < size; ++i) out += fmt::format("{:02x}", data[i]);
  return out;
}

std::string to_base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// Strict: only the standard alphabet with its padding, nothing after it.
std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  if (text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
      std::string_view::npos)
    return std::nullopt;
  const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  if (text.find('=') < text.size() - padding) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  if (EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size())) <
      0)
    return std::nullopt;
  out.resize(out.size() - padding);  // EVP_DecodeBlock counts padding as zero bytes
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
    return std::nullopt;
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i < text.size(); i += 2)
    out.push_back(static_cast<unsigned char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// What the tag authenticates besides the ciphertext: the format, the key and the row.
std::string associated_data(std::string_view key_id, std::string_view name) {
  return fmt::format("{}{}:{}", k_prefix, key_id, name);
}

}  // namespace

StoreKey::StoreKey(const std::array<unsigned char, k_size>& bytes) : m_bytes(bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(m_bytes.data(), m_bytes.size(), digest);
  m_id = to_hex(digest, k_id_bytes);
}

Result<StoreKey> StoreKey::parse(std::string_view text, std::string_view source) {
  const auto clean = trimmed(text);
  auto bytes = clean.size() == 2 * k_size ? from_hex(clean) : from_base64(clean);
  if (!bytes || bytes->size() != k_size)
    return fail(ErrorKind::usage, fmt::format("{} is not a key: it must be {} bytes in base64 or hex; {}", source,
                                              k_size, k_key_hint));
  std::array<unsigned char, k_size> key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  redact::add_secret(clean);
  redact::add_secret(to_hex(key.data(), key.size()));
  redact::add_secret(to_base64(key.data(), key.size()));
  return StoreKey(key);
}

Result<std::optional<StoreKey>> StoreKey::from_environment() {
  const char* text = std::getenv("CRMEXPORT_STORE_KEY");
  const char* file = std::getenv("CRMEXPORT_STORE_KEY_FILE");
  const bool has_text = text && *text;
  const bool has_file = file && *file;
  if (has_text && has_file)
    return fail(ErrorKind::usage, "both CRMEXPORT_STORE_KEY and CRMEXPORT_STORE_KEY_FILE are set; unset one of them");
  if (has_text) return StoreKey::parse(text, "CRMEXPORT_STORE_KEY");
  if (has_file) return StoreKey::from_file(file, "CRMEXPORT_STORE_KEY_FILE");
  return std::nullopt;
}

Result<StoreKey> StoreKey::from_file(const std::string& file, std::string_view named_by) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    return fail(ErrorKind::usage, fmt::format("{} names {}, which is not a readable file; point it at the key file, or {}",
                                              named_by, file, k_key_hint));
  if ((info.st_mode & 077) != 0)
    return fail(ErrorKind::usage, fmt::format("the key file {} ({}) can be read by group or others (mode {:04o}); "
                                              "make it private with `chmod 600 {}`",
                                              file, named_by, info.st_mode & 07777, file));
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail(ErrorKind::usage, fmt::format("cannot read the key file {} ({})", file, named_by));
  return StoreKey::parse(text.str(), fmt::format("the key file {} ({})", file, named_by));
}

std::string StoreKey::generate_base64() {
  std::array<unsigned char, k_size> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    throw Fatal(ErrorKind::runtime, "the system's random generator failed; no key was made");
  return to_base64(key.data(), key.size());
}

bool is_sealed(std::string_view stored) { return stored.starts_with(k_prefix); }

Result<std::string> seal(const StoreKey& key, std::string_view name, std::string_view secret) {
  std::vector<unsigned char> box(k_nonce_size + secret.size() + k_tag_size);
  unsigned char* nonce = box.data();
  unsigned char* body = box.data() + k_nonce_size;
  const auto aad = associated_data(key.id(), name);
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0;
  const bool sealed =
      context && RAND_bytes(nonce, static_cast<int>(k_nonce_size)) == 1 &&
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) == 1 &&
      EVP_EncryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(context.get(), body, &length, reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())) == 1 &&
      EVP_EncryptFinal_ex(context.get(), body + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(k_tag_size),
                          body + secret.size()) == 1;
  if (!sealed)
    return fail(ErrorKind::runtime, fmt::format("OpenSSL could not encrypt the secret of '{}'; nothing was saved", name));
  return fmt::format("{}{}:{}", k_prefix, key.id(), to_base64(box.data(), box.size()));
}

Result<std::string> open_sealed(const std::optional<StoreKey>& key, std::string_view name, std::string_view stored,
                                std::string_view where) {
  if (!is_sealed(stored)) return std::string(stored);
  const auto rest = stored.substr(k_prefix.size());
  const auto colon = rest.find(':');
  const auto key_id = rest.substr(0, colon);
  if (!key)
    return fail(ErrorKind::usage,
                fmt::format("the secret of connection '{}' in {} is encrypted; set CRMEXPORT_STORE_KEY (or "
                            "CRMEXPORT_STORE_KEY_FILE) to the key it was written with (key id {})",
                            name, where, key_id));
  if (key_id != key->id())
    return fail(ErrorKind::usage,
                fmt::format("the secret of connection '{}' in {} was encrypted with another key (id {}) than the "
                            "one in CRMEXPORT_STORE_KEY (id {}); set CRMEXPORT_STORE_KEY to the key it was written with",
                            name, where, key_id, key->id()));
  const auto altered = [&] {
    return fail(ErrorKind::auth, fmt::format("the encrypted secret of connection '{}' in {} does not verify: it was "
                                             "altered or copied from another connection; add the connection again "
                                             "with `crmexport auth add ... --name {} --force`",
                                             name, where, name));
  };
  auto box = colon == std::string_view::npos ? std::nullopt : from_base64(rest.substr(colon + 1));
  if (!box || box->size() < k_nonce_size + k_tag_size) return altered();
  const std::size_t body_size = box->size() - k_nonce_size - k_tag_size;
  unsigned char* body = box->data() + k_nonce_size;
  std::string secret(body_size, '\0');
  const auto aad = associated_data(key_id, name);
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0;
  const bool opened =
      context && EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key->bytes().data(), box->data()) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(secret.data()), &length, body,
                        static_cast<int>(body_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(k_tag_size), body + body_size) == 1 &&
      EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(secret.data()) + length, &length) == 1;
  if (!opened) return altered();
  return secret;
}

}  // namespace crmexport::store
