#include "tests/fake/accounts.hpp"

#include <fmt/format.h>

namespace crm_fake {

FakeOptions account_options(const FakeOptions& base, int index) {
  FakeOptions options = base;
  if (index == 0) return options;
  const auto suffix = fmt::format("-{}", index);
  options.seed = base.seed + static_cast<std::uint64_t>(index);
  options.token = base.token + suffix;
  options.client_id = base.client_id + suffix;
  options.client_secret = base.client_secret + suffix;
  options.refresh_token = base.refresh_token + suffix;
  if (options.dump_dir) options.dump_dir = account_dump_dir(*base.dump_dir, index);
  return options;
}

std::filesystem::path account_dump_dir(const std::filesystem::path& dir, int index) {
  return index == 0 ? dir : dir / fmt::format("account-{}", index);
}

}  // namespace crm_fake
