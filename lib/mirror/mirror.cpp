// The one place that knows which mirror implementations exist: chosen by the location's scheme.
#include "lib/mirror/mirror.hpp"

#include <array>

#include "lib/mirror/postgres_mirror.hpp"
#include "lib/mirror/sqlite_mirror.hpp"

namespace crmexport::mirror {
namespace {

// libpq's two URI schemes (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS).
constexpr std::array<std::string_view, 2> k_postgres_schemes = {"postgresql://", "postgres://"};

}  // namespace

bool is_postgres_location(std::string_view location) {
  for (auto scheme : k_postgres_schemes)
    if (location.starts_with(scheme)) return true;
  return false;
}

Result<std::unique_ptr<Mirror>> Mirror::open(const std::string& location) {
  if (is_postgres_location(location)) {
    auto opened = PostgresMirror::open(location);
    if (!opened) return std::unexpected(opened.error());
    return std::unique_ptr<Mirror>(std::move(*opened));
  }
  auto opened = SqliteMirror::open(location);
  if (!opened) return std::unexpected(opened.error());
  return std::unique_ptr<Mirror>(std::move(*opened));
}

std::string format_id(const RecordId& id) {
  if (const auto* number = std::get_if<std::int64_t>(&id)) return std::to_string(*number);
  return std::get<std::string>(id);
}

}  // namespace crmexport::mirror
