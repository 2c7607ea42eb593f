#include "providers/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <vector>

#include "providers/activecampaign/activecampaign.hpp"
#include "providers/hubspot/hubspot.hpp"
#include "providers/keap/keap.hpp"
#include "providers/pipedrive/pipedrive.hpp"

namespace crmexport::providers {

std::span<const Provider* const> all() {
  static const std::array k_providers = {
      &pipedrive::provider(),
      &hubspot::provider(),
      &activecampaign::provider(),
      &keap::provider(),
  };
  return k_providers;
}

const Provider* find(std::string_view name) {
  for (const auto* p : all())
    if (p->name == name) return p;
  return nullptr;
}

std::string names() {
  std::vector<std::string_view> list;
  for (const auto* p : all()) list.push_back(p->name);
  return fmt::format("{}", fmt::join(list, ", "));
}

}  // namespace crmexport::providers
