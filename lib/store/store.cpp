#include "lib/store/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "lib/store/backend.hpp"

namespace crmexport::store {
namespace {

// Locations other than a file, by the scheme they start with; anything else is a file path.
struct Scheme {
  std::string_view prefix;
  Result<std::unique_ptr<Backend>> (*open)(const std::string& location);
};
constexpr std::array k_schemes = {
    Scheme{"postgresql://", open_postgres_backend},
    Scheme{"postgres://", open_postgres_backend},
};

Result<std::unique_ptr<Backend>> open_backend(const std::string& location) {
  for (const auto& scheme : k_schemes)
    if (location.starts_with(scheme.prefix)) return scheme.open(location);
  return open_sqlite_backend(location);
}

}  // namespace

bool Store::is_file_location(std::string_view location) {
  return std::ranges::none_of(k_schemes, [&](const Scheme& scheme) { return location.starts_with(scheme.prefix); });
}

Store::Store(std::unique_ptr<Backend> backend, std::optional<StoreKey> key)
    : m_backend(std::move(backend)), m_key(std::move(key)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::string& location) {
  auto key = StoreKey::from_environment();
  if (!key) return std::unexpected(key.error());
  return open(location, std::move(*key));
}

Result<Store> Store::open(const std::string& location, std::optional<StoreKey> key) {
  auto backend = open_backend(location);
  if (!backend) return std::unexpected(backend.error());
  return Store(std::move(*backend), std::move(key));
}

Result<void> Store::check_secrets_writable() const {
  if (m_key || !m_backend->shared()) return {};
  return fail(ErrorKind::usage,
              fmt::format("the credential store {} is shared with other hosts, so crmexport writes secrets there "
                          "only encrypted, and no key is set; set CRMEXPORT_STORE_KEY or CRMEXPORT_STORE_KEY_FILE "
                          "(make a key with `crmexport auth keygen`); nothing was saved",
                          m_backend->location()));
}

Result<std::string> Store::conceal(std::string_view name, std::string_view secret) const {
  if (auto writable = check_secrets_writable(); !writable) return std::unexpected(writable.error());
  if (m_key) return seal(*m_key, name, secret);
  return std::string(secret);
}

Result<Connection> Store::reveal(Connection connection) const {
  auto secret = open_sealed(m_key, connection.name, connection.secret, m_backend->location());
  if (!secret) return std::unexpected(secret.error());
  connection.secret = std::move(*secret);
  return connection;
}

Result<std::vector<Connection>> Store::reveal_all(Result<std::vector<Connection>> connections) const {
  if (!connections) return connections;
  for (auto& connection : *connections) {
    auto revealed = reveal(std::move(connection));
    if (!revealed) return std::unexpected(revealed.error());
    connection = std::move(*revealed);
  }
  return connections;
}

Result<void> Store::add(const Connection& connection, bool replace) {
  if (connection.name.empty()) return fail(ErrorKind::usage, "a connection needs a name; give it one");
  auto kept = connection;
  auto secret = conceal(connection.name, connection.secret);
  if (!secret) return std::unexpected(secret.error());
  kept.secret = std::move(*secret);
  return m_backend->add(kept, replace);
}

Result<std::optional<Connection>> Store::find(std::string_view name) const {
  auto found = m_backend->find(name);
  if (!found || !*found) return found;
  auto revealed = reveal(std::move(**found));
  if (!revealed) return std::unexpected(revealed.error());
  return std::optional<Connection>(std::move(*revealed));
}

Result<std::vector<Connection>> Store::list() const { return reveal_all(m_backend->list("")); }

Result<std::vector<Connection>> Store::list_by_provider(std::string_view provider) const {
  if (provider.empty()) return std::vector<Connection>{};
  return reveal_all(m_backend->list(provider));
}

Result<bool> Store::remove(std::string_view name) { return m_backend->remove(name); }

Result<void> Store::update_secret(std::string_view name, std::string_view secret) {
  auto kept = conceal(name, secret);
  if (!kept) return std::unexpected(kept.error());
  return m_backend->update_secret(name, *kept);
}

Result<void> Store::refresh(std::string_view name, const Renew& renew) {
  // Refused before the token endpoint is asked: a renewed single-use token we could not save would be lost.
  if (auto writable = check_secrets_writable(); !writable) return writable;
  return m_backend->refresh(name, [&](const std::string& stored) -> Result<std::optional<std::string>> {
    auto secret = open_sealed(m_key, name, stored, m_backend->location());
    if (!secret) return std::unexpected(secret.error());
    auto renewed = renew(*secret);
    if (!renewed || !*renewed) return renewed;
    auto kept = conceal(name, **renewed);
    if (!kept) return std::unexpected(kept.error());
    return std::optional<std::string>(std::move(*kept));
  });
}

Result<std::size_t> Store::rekey(std::optional<StoreKey> new_key) {
  if (!new_key && m_backend->shared())
    return fail(ErrorKind::usage,
                fmt::format("the credential store {} is shared with other hosts, so its secrets stay encrypted; give "
                            "a new key (make one with `crmexport auth keygen`); nothing was changed",
                            m_backend->location()));
  auto count = m_backend->reseal_all([&](const std::string& name, const std::string& stored) -> Result<std::string> {
    auto secret = open_sealed(m_key, name, stored, m_backend->location());
    if (!secret) return std::unexpected(secret.error());
    if (new_key) return seal(*new_key, name, *secret);
    return std::move(*secret);
  });
  if (count) m_key = std::move(new_key);
  return count;
}

Result<std::vector<fields::Field>> Store::load_field_names(std::string_view connection, std::string_view type) {
  return m_backend->load_field_names(connection, type);
}

Result<void> Store::save_field_names(std::string_view connection, std::string_view type,
                                     const std::vector<fields::Field>& fields) {
  return m_backend->save_field_names(connection, type, fields);
}

int Store::schema_version() const { return m_backend->schema_version(); }

const std::string& Store::location() const { return m_backend->location(); }

}  // namespace crmexport::store
