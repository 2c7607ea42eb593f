#pragma once
// The one list of providers. Adding a CRM is adding a line here and a folder beside this file.
#include <span>
#include <string>
#include <string_view>

#include "providers/provider.hpp"

namespace crmexport::providers {

std::span<const Provider* const> all();
const Provider* find(std::string_view name);
std::string names();  // "a, b" for messages

}  // namespace crmexport::providers
